import type { LabDevice } from './lab-device';
import { counter32 } from './lab-counters';
import type { DynamicMibObject, MibValue } from './mib-object';
import { compareOids, parseOid, type Oid } from './oid-order';
import { etherCounter } from './rmon-traffic';
import { IF_INDEX_OID, LAB_RMON_OWNER } from './rmon-mib';

/**
 * RMON2-MIB (RFC 4502) on a lab probe with `rmon.rmon2`: probeCapabilities, a protocol directory
 * of four protocols (RFC 2895 identifiers) and one protocolDistControl row per interface whose
 * protocolDistStats split the interface's etherStats packets and octets by a fixed share per
 * protocol (the nlHost and nlMatrix groups are rmon2-nl-mib.ts). All dynamic objects (served only when the probe has RMON2), so the shared layout
 * of the other tables does not depend on it.
 */

const PROBE_CAPABILITIES = '1.3.6.1.2.1.16.19.1';
const PROTOCOL_DIR = '1.3.6.1.2.1.16.11.2.1';
const DIST_CONTROL = '1.3.6.1.2.1.16.12.1.1';
const DIST_STATS = '1.3.6.1.2.1.16.12.2.1';

interface Protocol {
  /** protocolDirID: 4 octets per layer (RFC 2895 §3): ether2, then the ethertype, then the IP protocol. */
  id: number[];
  /** protocolDirParameters: one octet per layer, no capabilities. */
  parameters: number[];
  localIndex: number;
  descr: string;
  /** Share of the interface's packets and octets (a lab choice: every frame is ether2, most IP). */
  share: number;
}

export const LAB_PROTOCOLS: readonly Protocol[] = [
  { id: [0, 0, 0, 1], parameters: [0], localIndex: 1, descr: 'ether2', share: 1 },
  { id: [0, 0, 0, 1, 0, 0, 8, 0], parameters: [0, 0], localIndex: 2, descr: 'ip', share: 0.9 },
  { id: [0, 0, 0, 1, 0, 0, 8, 0, 0, 0, 0, 6], parameters: [0, 0, 0], localIndex: 3, descr: 'tcp', share: 0.6 },
  { id: [0, 0, 0, 1, 0, 0, 8, 0, 0, 0, 0, 17], parameters: [0, 0, 0], localIndex: 4, descr: 'udp', share: 0.25 },
];

/** probeCapabilities bits set (RFC 4502 probeCapabilities BITS, bit 0 = high bit of octet 0). */
const CAPABILITY_BITS = [0, 1, 2, 3, 9, 18, 19, 21, 22]; // etherStats historyControl etherHistory alarm event protocolDirectory protocolDistribution nlHost nlMatrix

export function probeCapabilitiesValue(): Buffer {
  const out = Buffer.alloc(4);
  for (const b of CAPABILITY_BITS) out[b >> 3] = (out[b >> 3] as number) | (0x80 >> (b & 7));
  return out;
}

/** protocolDirTable index: protocolDirID and protocolDirParameters, each length-prefixed (RFC 2578 §7.7). */
const dirSuffix = (p: Protocol): Oid => [p.id.length, ...p.id, p.parameters.length, ...p.parameters];
const DIR_SUFFIXES = LAB_PROTOCOLS.map((p) => ({ p, suffix: dirSuffix(p) })).sort((a, b) => compareOids(a.suffix, b.suffix));

const has = (d: LabDevice): boolean => d.spec.rmon?.rmon2 === true;
const int = (value: number): MibValue => ({ type: 'Integer', value });
const text = (value: string): MibValue => ({ type: 'OctetString', value });

function dynamic(name: string, oid: string, instances: (d: LabDevice) => readonly Oid[], value: (d: LabDevice, suffix: Oid, now: number) => MibValue | undefined): DynamicMibObject {
  return {
    name,
    oid: parseOid(oid),
    nextInstance: (d, after) => (has(d) ? instances(d).find((s) => !after || compareOids(s, after) > 0) : undefined),
    value: (d, suffix, now) => (has(d) && instances(d).some((s) => compareOids(s, suffix) === 0) ? value(d, suffix, now) : undefined),
  };
}

const SCALAR: readonly Oid[] = [[0]];
const dirInstances = (): readonly Oid[] => DIR_SUFFIXES.map((x) => x.suffix);
const dirOf = (suffix: Oid): Protocol | undefined => DIR_SUFFIXES.find((x) => compareOids(x.suffix, suffix) === 0)?.p;
const controlInstances = (d: LabDevice): readonly Oid[] => Array.from({ length: d.spec.interfaces }, (_, i) => [i + 1]);
/** protocolDistStatsTable index: protocolDistControlIndex.protocolDirLocalIndex. */
const statsInstances = (d: LabDevice): readonly Oid[] => controlInstances(d).flatMap(([c]) => LAB_PROTOCOLS.map((p) => [c as number, p.localIndex]).sort((a, b) => (a[1] as number) - (b[1] as number)));

/** The lab's truth for protocolDistStats (ZeroBasedCounter32, a Gauge32 TC: RFC 4502). */
export function protocolDist(d: LabDevice, ifIndex: number, localIndex: number, what: 'pkts' | 'octets', now: number): number {
  const p = LAB_PROTOCOLS.find((x) => x.localIndex === localIndex);
  if (!p) return 0;
  const total = etherCounter(d, ifIndex, what, now);
  return counter32(BigInt(Math.floor(Number(total) * p.share)));
}

export const RMON2_OBJECTS: readonly DynamicMibObject[] = [
  dynamic('probeCapabilities', PROBE_CAPABILITIES, () => SCALAR, () => ({ type: 'OctetString', value: probeCapabilitiesValue() })),
  dynamic('protocolDirLocalIndex', `${PROTOCOL_DIR}.3`, dirInstances, (_d, s) => int(dirOf(s)?.localIndex ?? 0)),
  dynamic('protocolDirDescr', `${PROTOCOL_DIR}.4`, dirInstances, (_d, s) => text(dirOf(s)?.descr ?? '')),
  dynamic('protocolDirOwner', `${PROTOCOL_DIR}.9`, dirInstances, () => text(LAB_RMON_OWNER)),
  dynamic('protocolDirStatus', `${PROTOCOL_DIR}.10`, dirInstances, () => int(1)),
  dynamic('protocolDistControlIndex', `${DIST_CONTROL}.1`, controlInstances, (_d, s) => int(s[0] as number)),
  dynamic('protocolDistControlDataSource', `${DIST_CONTROL}.2`, controlInstances, (_d, s) => ({ type: 'OID', value: `${IF_INDEX_OID}.${s[0]}` })),
  dynamic('protocolDistControlOwner', `${DIST_CONTROL}.5`, controlInstances, () => text(LAB_RMON_OWNER)),
  dynamic('protocolDistControlStatus', `${DIST_CONTROL}.6`, controlInstances, () => int(1)),
  dynamic('protocolDistStatsPkts', `${DIST_STATS}.1`, statsInstances, (d, s, now) => ({ type: 'Gauge32', value: protocolDist(d, s[0] as number, s[1] as number, 'pkts', now) })),
  dynamic('protocolDistStatsOctets', `${DIST_STATS}.2`, statsInstances, (d, s, now) => ({ type: 'Gauge32', value: protocolDist(d, s[0] as number, s[1] as number, 'octets', now) })),
];
