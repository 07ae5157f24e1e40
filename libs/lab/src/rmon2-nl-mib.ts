import { timeTicksSince } from './lab-counters';
import type { LabDevice } from './lab-device';
import type { DynamicMibObject, MibValue } from './mib-object';
import { compareOids, parseOid, type Oid } from './oid-order';
import { IF_INDEX_OID, LAB_RMON_OWNER } from './rmon-mib';
import { conversationCount, conversationSeenMs, hostAddress, hostCount, hostOutNonUnicast, hostSeenMs, LAB_CONVERSATIONS, LAB_HOSTS, type LabConversation } from './rmon2-hosts';
import { timeFilterNext, timeFilterRow, type TimeFilteredRow } from './time-filter';

/**
 * RMON2-MIB (RFC 4502) network-layer host and matrix groups of a lab probe with `rmon.rmon2`:
 * hlHostControlTable and hlMatrixControlTable (one active row per interface, data source
 * ifIndex.<n>) and the tables they control, nlHostTable and nlMatrixSDTable, indexed
 * `<control>.<timeMark>.<protocolDirLocalIndex>.<address…>` with the TimeFilter (time-filter.ts).
 * The hosts and conversations are rmon2-hosts.ts'; all IP (protocolDirLocalIndex 2, ip).
 */

const HL_HOST_CONTROL = '1.3.6.1.2.1.16.14.1.1';
const NL_HOST = '1.3.6.1.2.1.16.14.2.1';
const HL_MATRIX_CONTROL = '1.3.6.1.2.1.16.15.1.1';
const NL_MATRIX_SD = '1.3.6.1.2.1.16.15.2.1';
/** protocolDirLocalIndex of ip in rmon2-mib.ts LAB_PROTOCOLS. */
export const IP_LOCAL_INDEX = 2;
/** RowStatus active(1) (RFC 2579). */
const ACTIVE = 1;

const has = (d: LabDevice): boolean => d.spec.rmon?.rmon2 === true;
const int = (value: number): MibValue => ({ type: 'Integer', value });
const gauge = (value: number): MibValue => ({ type: 'Gauge32', value });
const counter = (value: number): MibValue => ({ type: 'Counter32', value });
const ticks = (d: LabDevice, msAfterBoot: number, now: number): MibValue => ({ type: 'TimeTicks', value: timeTicksSince(d.bootAtMs(now), d.bootAtMs(now) + msAfterBoot) });

const controlsOf = (d: LabDevice): readonly number[] => Array.from({ length: d.spec.interfaces }, (_, i) => i + 1);
const elapsed = (d: LabDevice, now: number) => now - d.bootAtMs(now);
/**
 * When a row last changed (TimeTicks): its counters move with the segment's traffic, so "now" on
 * a segment that carries any; on an interface that is down they stopped when the row was created.
 */
function lastChange(d: LabDevice, ifIndex: number, seenMs: number, now: number): number {
  return timeTicksSince(d.bootAtMs(now), d.spec.operDown.has(ifIndex) ? d.bootAtMs(now) + seenMs : now);
}

/** nlHostTable rows of one control row: `<localIndex>.4.<a.b.c.d>`, hosts seen so far. */
function hostRows(d: LabDevice, c: number, now: number): TimeFilteredRow[] {
  return LAB_HOSTS.filter((h) => h.seenAfterSeconds * 1000 <= elapsed(d, now))
    .map((h) => ({ suffix: [IP_LOCAL_INDEX, 4, ...hostAddress(d, c, h.octet)], lastChange: lastChange(d, c, h.seenAfterSeconds * 1000, now) }))
    .sort((a, b) => compareOids(a.suffix, b.suffix));
}

const matrixSuffix = (d: LabDevice, c: number, x: LabConversation): Oid => [IP_LOCAL_INDEX, 4, ...hostAddress(d, c, x.src), 4, ...hostAddress(d, c, x.dst)];

/** nlMatrixSDTable rows of one control row: `<localIndex>.4.<src>.4.<dst>`, conversations whose ends were both seen. */
function matrixRows(d: LabDevice, c: number, now: number): TimeFilteredRow[] {
  return LAB_CONVERSATIONS.filter((x) => conversationSeenMs(x) <= elapsed(d, now))
    .map((x) => ({ suffix: matrixSuffix(d, c, x), lastChange: lastChange(d, c, conversationSeenMs(x), now) }))
    .sort((a, b) => compareOids(a.suffix, b.suffix));
}

/** The host (last octet) an nlHost instance suffix names, if present. */
function hostAt(d: LabDevice, suffix: Oid, now: number): number | undefined {
  const row = timeFilterRow(controlsOf(d), (c) => hostRows(d, c, now), suffix);
  return row ? (row.suffix[5] as number) : undefined;
}

function conversationAt(d: LabDevice, suffix: Oid, now: number): LabConversation | undefined {
  const row = timeFilterRow(controlsOf(d), (c) => matrixRows(d, c, now), suffix);
  if (!row) return undefined;
  return LAB_CONVERSATIONS.find((x) => compareOids(matrixSuffix(d, suffix[0] as number, x), row.suffix) === 0);
}

function controlColumn(name: string, oid: string, value: (d: LabDevice, control: number, now: number) => MibValue): DynamicMibObject {
  return {
    name,
    oid: parseOid(oid),
    nextInstance: (d, after) => (has(d) ? controlsOf(d).map((c) => [c]).find((s) => !after || compareOids(s, after) > 0) : undefined),
    value: (d, suffix, now) => (has(d) && suffix.length === 1 && controlsOf(d).includes(suffix[0] as number) ? value(d, suffix[0] as number, now) : undefined),
  };
}

function timeFiltered(name: string, oid: string, rows: (d: LabDevice, control: number, now: number) => readonly TimeFilteredRow[], value: (d: LabDevice, suffix: Oid, now: number) => MibValue | undefined): DynamicMibObject {
  return {
    name,
    oid: parseOid(oid),
    nextInstance: (d, after, now) => (has(d) ? timeFilterNext(controlsOf(d), (c) => rows(d, c, now), after) : undefined),
    value: (d, suffix, now) => (has(d) ? value(d, suffix, now) : undefined),
  };
}

const host = (f: (d: LabDevice, c: number, octet: number, now: number) => MibValue) => (d: LabDevice, s: Oid, now: number) => {
  const octet = hostAt(d, s, now);
  return octet === undefined ? undefined : f(d, s[0] as number, octet, now);
};
const conversation = (f: (d: LabDevice, c: number, x: LabConversation, now: number) => MibValue) => (d: LabDevice, s: Oid, now: number) => {
  const x = conversationAt(d, s, now);
  return x === undefined ? undefined : f(d, s[0] as number, x, now);
};
const seenHosts = (d: LabDevice, now: number) => LAB_HOSTS.filter((h) => h.seenAfterSeconds * 1000 <= elapsed(d, now)).length;
const seenConversations = (d: LabDevice, now: number) => LAB_CONVERSATIONS.filter((x) => conversationSeenMs(x) <= elapsed(d, now)).length;

/**
 * The control columns (RFC 4502 hlHostControlEntry / hlMatrixControlEntry 2–12): Nl inserts count
 * the rows the probe added (nothing is deleted: the tables stay under NlMaxDesiredEntries −1, any
 * number); the lab has no application-layer tables, so the Al columns are 0 (AlMaxDesiredEntries
 * 0: none desired).
 */
function controlTable(prefix: 'hlHostControl' | 'hlMatrixControl', base: string, inserts: (d: LabDevice, now: number) => number): DynamicMibObject[] {
  const zero = () => counter(0);
  return [
    controlColumn(`${prefix}DataSource`, `${base}.2`, (_d, c) => ({ type: 'OID', value: `${IF_INDEX_OID}.${c}` })),
    controlColumn(`${prefix}NlDroppedFrames`, `${base}.3`, zero),
    controlColumn(`${prefix}NlInserts`, `${base}.4`, (d, _c, now) => counter(inserts(d, now))),
    controlColumn(`${prefix}NlDeletes`, `${base}.5`, zero),
    controlColumn(`${prefix}NlMaxDesiredEntries`, `${base}.6`, () => int(-1)),
    controlColumn(`${prefix}AlDroppedFrames`, `${base}.7`, zero),
    controlColumn(`${prefix}AlInserts`, `${base}.8`, zero),
    controlColumn(`${prefix}AlDeletes`, `${base}.9`, zero),
    controlColumn(`${prefix}AlMaxDesiredEntries`, `${base}.10`, () => int(0)),
    controlColumn(`${prefix}Owner`, `${base}.11`, () => ({ type: 'OctetString', value: LAB_RMON_OWNER })),
    controlColumn(`${prefix}Status`, `${base}.12`, () => int(ACTIVE)),
  ];
}

export const RMON2_NL_OBJECTS: readonly DynamicMibObject[] = [
  ...controlTable('hlHostControl', HL_HOST_CONTROL, seenHosts),
  timeFiltered('nlHostInPkts', `${NL_HOST}.3`, hostRows, host((d, c, o, now) => gauge(hostCount(d, c, o, 'in', 'pkts', now)))),
  timeFiltered('nlHostOutPkts', `${NL_HOST}.4`, hostRows, host((d, c, o, now) => gauge(hostCount(d, c, o, 'out', 'pkts', now)))),
  timeFiltered('nlHostInOctets', `${NL_HOST}.5`, hostRows, host((d, c, o, now) => gauge(hostCount(d, c, o, 'in', 'octets', now)))),
  timeFiltered('nlHostOutOctets', `${NL_HOST}.6`, hostRows, host((d, c, o, now) => gauge(hostCount(d, c, o, 'out', 'octets', now)))),
  timeFiltered('nlHostOutMacNonUnicastPkts', `${NL_HOST}.7`, hostRows, host((d, c, o, now) => gauge(hostOutNonUnicast(d, c, o, now)))),
  timeFiltered('nlHostCreateTime', `${NL_HOST}.8`, hostRows, host((d, _c, o, now) => ticks(d, hostSeenMs(o), now))),
  ...controlTable('hlMatrixControl', HL_MATRIX_CONTROL, seenConversations),
  timeFiltered('nlMatrixSDPkts', `${NL_MATRIX_SD}.4`, matrixRows, conversation((d, c, x, now) => gauge(conversationCount(d, c, x, 'pkts', now)))),
  timeFiltered('nlMatrixSDOctets', `${NL_MATRIX_SD}.5`, matrixRows, conversation((d, c, x, now) => gauge(conversationCount(d, c, x, 'octets', now)))),
  timeFiltered('nlMatrixSDCreateTime', `${NL_MATRIX_SD}.6`, matrixRows, conversation((d, _c, x, now) => ticks(d, conversationSeenMs(x), now))),
];
