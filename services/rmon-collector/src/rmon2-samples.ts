import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import type { GroupOutput } from '@sonde/snmp/poll/device-poller';
import type { RmonRow } from './rmon-row';
import { nlSamples } from './rmon2-host-samples';

/** probeCapabilities bits (RFC 4502 §5, probeConfig group), most significant bit first. */
export const PROBE_CAPABILITIES = [
  'etherStats', 'historyControl', 'etherHistory', 'alarm', 'hosts', 'hostTopN', 'matrix', 'filter', 'capture', 'event',
  'tokenRingMLStats', 'tokenRingPStats', 'tokenRingMLHistory', 'tokenRingPHistory', 'ringStation', 'ringStationOrder',
  'ringStationConfig', 'sourceRouting', 'protocolDirectory', 'protocolDistribution', 'addressMapping', 'nlHost', 'nlMatrix',
  'alHost', 'alMatrix', 'usrHistory', 'probeConfig',
] as const;

/** The names of the set bits of a BITS value (RFC 2578 §7.1.4: bit 0 is the high bit of the first octet). */
export function capabilityNames(bits: Buffer): string[] {
  const out: string[] = [];
  PROBE_CAPABILITIES.forEach((name, i) => {
    const byte = bits[i >> 3];
    if (byte !== undefined && byte & (0x80 >> (i & 7))) out.push(name);
  });
  return out;
}

export interface Rmon2Input {
  capabilities: Buffer | undefined;
  protocolDir: ReadonlyMap<string, RmonRow>;
  protocolDistStats: ReadonlyMap<string, RmonRow>;
  hlHostControl: ReadonlyMap<string, RmonRow>;
  nlHost: ReadonlyMap<string, RmonRow>;
  hlMatrixControl: ReadonlyMap<string, RmonRow>;
  nlMatrixSD: ReadonlyMap<string, RmonRow>;
}

/**
 * RMON2 (RFC 4502), best effort: the capabilities the probe announces, the protocol
 * distribution by protocol (protocolDistStats × protocolDirDescr via protocolDirLocalIndex), and
 * the network-layer hosts and conversations per control row (rmon2-host-samples.ts: counts and
 * the busiest few, not one series per host: a busy probe holds tens of thousands).
 */
export function rmon2Samples(input: Rmon2Input): GroupOutput[] {
  const samples: MetricSample[] = [];
  if (input.capabilities) {
    for (const name of capabilityNames(input.capabilities)) samples.push({ name: 'probeCapability', labels: { capability: name }, value: 1, unit: '', type: 'status' });
  }
  const protocols = new Map<string, string>();
  for (const row of input.protocolDir.values()) {
    const local = row.num('protocolDirLocalIndex');
    if (local !== undefined) protocols.set(String(local), row.text('protocolDirDescr') ?? String(local));
  }
  for (const [index, row] of input.protocolDistStats) {
    // index: protocolDistControlIndex.protocolDirLocalIndex
    const [control, local] = index.split('.');
    const labels = { protocolDistControlIndex: control ?? '', protocol: protocols.get(local ?? '') ?? local ?? '' };
    for (const n of ['protocolDistStatsPkts', 'protocolDistStatsOctets'] as const) {
      const v = row.num(n);
      if (v !== undefined) samples.push({ name: n, labels, value: v, unit: n === 'protocolDistStatsOctets' ? 'By' : '', type: 'gauge' });
    }
  }
  samples.push(...nlSamples({ hostControl: input.hlHostControl, hosts: input.nlHost, matrixControl: input.hlMatrixControl, matrix: input.nlMatrixSD, protocols }));
  return samples.length > 0 ? [{ group: 'rmon2', samples }] : [];
}
