import { counter32, counter64, timeTicksSince } from './lab-counters';
import type { LabDevice, LabRmonSpec } from './lab-device';
import type { DynamicMibObject, MibObject, MibValue } from './mib-object';
import { parseOid, type Oid } from './oid-order';
import { alarmLog, bucketSpan, etherCounter, historyRange, type EtherCounter } from './rmon-traffic';

/**
 * RMON-MIB (RFC 2819) statistics, history, alarm and event groups and HC-RMON-MIB (RFC 3273)
 * high-capacity tables of a lab probe: one etherStats and one historyControl row per interface
 * (index = ifIndex, data source = ifIndex.<n>), alarm 1 on etherStatsCRCAlignErrors.1 with its
 * rising/falling events and their log. History buckets and log entries move with the clock, so
 * those tables are DynamicMibObjects.
 */

const STATS = '1.3.6.1.2.1.16.1.1.1';
const STATS_HC = '1.3.6.1.2.1.16.1.7.1';
const HISTORY_CONTROL = '1.3.6.1.2.1.16.2.1.1';
const HISTORY = '1.3.6.1.2.1.16.2.2.1';
const HISTORY_HC = '1.3.6.1.2.1.16.2.6.1';
const ALARM = '1.3.6.1.2.1.16.3.1.1';
const EVENT = '1.3.6.1.2.1.16.9.1.1';
const LOG = '1.3.6.1.2.1.16.9.2.1';
export const IF_INDEX_OID = '1.3.6.1.2.1.2.2.1.1';
/** EntryStatus valid(1) (RFC 2819 §2 textual conventions). */
const VALID = 1;
export const LAB_RMON_OWNER = 'monitor';

const int = (value: number): MibValue => ({ type: 'Integer', value });
const text = (value: string): MibValue => ({ type: 'OctetString', value });
const gauge = (value: number): MibValue => ({ type: 'Gauge32', value: Math.min(value, 0xffffffff) });

const noRows: readonly number[] = [];
const indexCache = new Map<number, readonly number[]>();
function rowsOf(d: LabDevice, hc = false): readonly number[] {
  if (!d.spec.rmon || (hc && !d.spec.profile.rmonHighCapacity)) return noRows;
  let rows = indexCache.get(d.spec.interfaces);
  if (!rows) indexCache.set(d.spec.interfaces, (rows = Array.from({ length: d.spec.interfaces }, (_, i) => i + 1)));
  return rows;
}
const one: readonly number[] = [1];
const two: readonly number[] = [1, 2];

function col(entry: string, name: string, sub: number, value: MibObject['value'], rows: MibObject['rows'] = (d) => rowsOf(d)): MibObject {
  return { name, oid: parseOid(`${entry}.${sub}`), rows, value };
}

const c32 = (counter: EtherCounter): MibObject['value'] => (d, i, now) => ({ type: 'Counter32', value: counter32(etherCounter(d, i, counter, now)) });
const c64 = (counter: EtherCounter): MibObject['value'] => (d, i, now) => ({ type: 'Counter64', value: counter64(etherCounter(d, i, counter, now)) });
/** RFC 3273 §4 "overflow" objects: how many times the associated 32-bit counter wrapped (Gauge32). */
const overflow = (counter: EtherCounter): MibObject['value'] => (d, i, now) => gauge(Number(counter64(etherCounter(d, i, counter, now)) >> 32n));

/** etherStatsTable (RFC 2819 §5, etherStatsEntry columns 1–21). */
export const ETHER_STATS_TABLE: readonly MibObject[] = [
  col(STATS, 'etherStatsIndex', 1, (_d, i) => int(i)),
  col(STATS, 'etherStatsDataSource', 2, (_d, i) => ({ type: 'OID', value: `${IF_INDEX_OID}.${i}` })),
  col(STATS, 'etherStatsDropEvents', 3, c32('dropEvents')),
  col(STATS, 'etherStatsOctets', 4, c32('octets')),
  col(STATS, 'etherStatsPkts', 5, c32('pkts')),
  col(STATS, 'etherStatsBroadcastPkts', 6, c32('broadcastPkts')),
  col(STATS, 'etherStatsMulticastPkts', 7, c32('multicastPkts')),
  col(STATS, 'etherStatsCRCAlignErrors', 8, c32('crcAlignErrors')),
  col(STATS, 'etherStatsUndersizePkts', 9, c32('undersizePkts')),
  col(STATS, 'etherStatsOversizePkts', 10, c32('oversizePkts')),
  col(STATS, 'etherStatsFragments', 11, c32('fragments')),
  col(STATS, 'etherStatsJabbers', 12, c32('jabbers')),
  col(STATS, 'etherStatsCollisions', 13, c32('collisions')),
  col(STATS, 'etherStatsPkts64Octets', 14, c32('pkts64Octets')),
  col(STATS, 'etherStatsPkts65to127Octets', 15, c32('pkts65to127Octets')),
  col(STATS, 'etherStatsPkts128to255Octets', 16, c32('pkts128to255Octets')),
  col(STATS, 'etherStatsPkts256to511Octets', 17, c32('pkts256to511Octets')),
  col(STATS, 'etherStatsPkts512to1023Octets', 18, c32('pkts512to1023Octets')),
  col(STATS, 'etherStatsPkts1024to1518Octets', 19, c32('pkts1024to1518Octets')),
  col(STATS, 'etherStatsOwner', 20, () => text(LAB_RMON_OWNER)),
  col(STATS, 'etherStatsStatus', 21, () => int(VALID)),
];

const hcRows = (d: LabDevice) => rowsOf(d, true);
const HC_PAIRS: ReadonlyArray<[string, EtherCounter]> = [
  ['Pkts', 'pkts'], ['Octets', 'octets'], ['Pkts64Octets', 'pkts64Octets'], ['Pkts65to127Octets', 'pkts65to127Octets'],
  ['Pkts128to255Octets', 'pkts128to255Octets'], ['Pkts256to511Octets', 'pkts256to511Octets'],
  ['Pkts512to1023Octets', 'pkts512to1023Octets'], ['Pkts1024to1518Octets', 'pkts1024to1518Octets'],
];

/** etherStatsHighCapacityTable (RFC 3273 §5, columns 1–16: overflow + 64-bit value per counter). */
export const ETHER_STATS_HC_TABLE: readonly MibObject[] = HC_PAIRS.flatMap(([name, counter], k) => [
  col(STATS_HC, `etherStatsHighCapacityOverflow${name}`, 2 * k + 1, overflow(counter), hcRows),
  col(STATS_HC, `etherStatsHighCapacity${name}`, 2 * k + 2, c64(counter), hcRows),
]);

const rmonOf = (d: LabDevice): LabRmonSpec => d.spec.rmon as LabRmonSpec;

/** historyControlTable (RFC 2819 §5, columns 1–7): one control row per interface. */
export const HISTORY_CONTROL_TABLE: readonly MibObject[] = [
  col(HISTORY_CONTROL, 'historyControlIndex', 1, (_d, i) => int(i)),
  col(HISTORY_CONTROL, 'historyControlDataSource', 2, (_d, i) => ({ type: 'OID', value: `${IF_INDEX_OID}.${i}` })),
  col(HISTORY_CONTROL, 'historyControlBucketsRequested', 3, (d) => int(rmonOf(d).historyBuckets)),
  col(HISTORY_CONTROL, 'historyControlBucketsGranted', 4, (d) => int(rmonOf(d).historyBuckets)),
  col(HISTORY_CONTROL, 'historyControlInterval', 5, (d) => int(rmonOf(d).historyIntervalSeconds)),
  col(HISTORY_CONTROL, 'historyControlOwner', 6, () => text(LAB_RMON_OWNER)),
  col(HISTORY_CONTROL, 'historyControlStatus', 7, () => int(VALID)),
];

/** Next [control, sample] instance after `after` (GETNEXT order) over the control rows and the buckets they hold. */
function nextBucket(d: LabDevice, after: Oid | undefined, now: number, hc: boolean): Oid | undefined {
  const range = historyRange(d, now);
  if (!range) return undefined;
  for (const c of rowsOf(d, hc)) {
    if (!after || c > (after[0] as number)) return [c, range.first];
    if (c < (after[0] as number)) continue;
    // same control row: [c] sorts before [c, s]; [c, s, …] after [c, s]
    const next = after.length === 1 ? range.first : Math.max((after[1] as number) + 1, range.first);
    if (next <= range.last) return [c, next];
  }
  return undefined;
}

function bucketOf(d: LabDevice, suffix: Oid, now: number, hc: boolean): { control: number; sample: number } | undefined {
  if (suffix.length !== 2) return undefined;
  const [control, sample] = suffix as [number, number];
  const range = historyRange(d, now);
  if (!range || !rowsOf(d, hc).includes(control) || sample < range.first || sample > range.last) return undefined;
  return { control, sample };
}

/** Counter value over one bucket: counter at its end minus counter at its start. */
function bucketDelta(d: LabDevice, control: number, sample: number, counter: EtherCounter, now: number): bigint {
  const boot = d.bootAtMs(now);
  const span = bucketSpan(rmonOf(d), sample);
  return etherCounter(d, control, counter, boot + span.endMs) - etherCounter(d, control, counter, boot + span.startMs);
}

function history(name: string, entry: string, sub: number, hc: boolean, value: (d: LabDevice, control: number, sample: number, now: number) => MibValue): DynamicMibObject {
  return {
    name,
    oid: parseOid(`${entry}.${sub}`),
    nextInstance: (d, after, now) => nextBucket(d, after, now, hc),
    value: (d, suffix, now) => {
      const b = bucketOf(d, suffix, now, hc);
      return b ? value(d, b.control, b.sample, now) : undefined;
    },
  };
}

const h32 = (counter: EtherCounter) => (d: LabDevice, c: number, s: number, now: number): MibValue => ({ type: 'Counter32', value: counter32(bucketDelta(d, c, s, counter, now)) });

/** etherHistoryTable (RFC 2819 §5, etherHistoryEntry columns 1–15), index historyIndex.sampleIndex. */
export const ETHER_HISTORY_TABLE: readonly DynamicMibObject[] = [
  history('etherHistoryIndex', HISTORY, 1, false, (_d, c) => int(c)),
  history('etherHistorySampleIndex', HISTORY, 2, false, (_d, _c, s) => int(s)),
  // sysUpTime at the start of the bucket
  history('etherHistoryIntervalStart', HISTORY, 3, false, (d, _c, s) => ({ type: 'TimeTicks', value: timeTicksSince(0, bucketSpan(rmonOf(d), s).startMs) })),
  history('etherHistoryDropEvents', HISTORY, 4, false, h32('dropEvents')),
  history('etherHistoryOctets', HISTORY, 5, false, h32('octets')),
  history('etherHistoryPkts', HISTORY, 6, false, h32('pkts')),
  history('etherHistoryBroadcastPkts', HISTORY, 7, false, h32('broadcastPkts')),
  history('etherHistoryMulticastPkts', HISTORY, 8, false, h32('multicastPkts')),
  history('etherHistoryCRCAlignErrors', HISTORY, 9, false, h32('crcAlignErrors')),
  history('etherHistoryUndersizePkts', HISTORY, 10, false, h32('undersizePkts')),
  history('etherHistoryOversizePkts', HISTORY, 11, false, h32('oversizePkts')),
  history('etherHistoryFragments', HISTORY, 12, false, h32('fragments')),
  history('etherHistoryJabbers', HISTORY, 13, false, h32('jabbers')),
  history('etherHistoryCollisions', HISTORY, 14, false, h32('collisions')),
  // hundredths of a percent of the interface speed over the bucket (RFC 2819 etherHistoryUtilization)
  history('etherHistoryUtilization', HISTORY, 15, false, (d, c, s, now) => {
    const octets = Number(bucketDelta(d, c, s, 'octets', now));
    const bits = d.spec.profile.ifSpeed(c) * rmonOf(d).historyIntervalSeconds;
    return int(Math.min(10_000, Math.round((octets * 8 * 10_000) / bits)));
  }),
];

/** etherHistoryHighCapacityTable (RFC 3273 §5, columns 1–4). */
export const ETHER_HISTORY_HC_TABLE: readonly DynamicMibObject[] = [
  history('etherHistoryHighCapacityOverflowPkts', HISTORY_HC, 1, true, (d, c, s, now) => gauge(Number(bucketDelta(d, c, s, 'pkts', now) >> 32n))),
  history('etherHistoryHighCapacityPkts', HISTORY_HC, 2, true, (d, c, s, now) => ({ type: 'Counter64', value: counter64(bucketDelta(d, c, s, 'pkts', now)) })),
  history('etherHistoryHighCapacityOverflowOctets', HISTORY_HC, 3, true, (d, c, s, now) => gauge(Number(bucketDelta(d, c, s, 'octets', now) >> 32n))),
  history('etherHistoryHighCapacityOctets', HISTORY_HC, 4, true, (d, c, s, now) => ({ type: 'Counter64', value: counter64(bucketDelta(d, c, s, 'octets', now)) })),
];

const alarmRows = (d: LabDevice) => (d.spec.rmon ? one : noRows);
const eventRows = (d: LabDevice) => (d.spec.rmon ? two : noRows);
const ticksAt = (d: LabDevice, msSinceBoot: number, now: number) => timeTicksSince(d.bootAtMs(now), d.bootAtMs(now) + msSinceBoot);

/** alarmTable (RFC 2819 §5, alarmEntry columns 1–12): alarm 1 watches the CRC errors of interface 1. */
export const ALARM_TABLE: readonly MibObject[] = [
  col(ALARM, 'alarmIndex', 1, () => int(1), alarmRows),
  col(ALARM, 'alarmInterval', 2, (d) => int(rmonOf(d).alarm.intervalSeconds), alarmRows),
  col(ALARM, 'alarmVariable', 3, () => ({ type: 'OID', value: `${STATS}.8.1` }), alarmRows),
  col(ALARM, 'alarmSampleType', 4, () => int(2), alarmRows), // deltaValue(2)
  col(ALARM, 'alarmValue', 5, (d, _i, now) => int(alarmLog(d, now).lastValue), alarmRows),
  col(ALARM, 'alarmStartupAlarm', 6, () => int(3), alarmRows), // risingOrFallingAlarm(3)
  col(ALARM, 'alarmRisingThreshold', 7, (d) => int(rmonOf(d).alarm.risingThreshold), alarmRows),
  col(ALARM, 'alarmFallingThreshold', 8, (d) => int(rmonOf(d).alarm.fallingThreshold), alarmRows),
  col(ALARM, 'alarmRisingEventIndex', 9, () => int(1), alarmRows),
  col(ALARM, 'alarmFallingEventIndex', 10, () => int(2), alarmRows),
  col(ALARM, 'alarmOwner', 11, () => text(LAB_RMON_OWNER), alarmRows),
  col(ALARM, 'alarmStatus', 12, () => int(VALID), alarmRows),
];

const EVENT_DESCRIPTION = ['', 'CRC/alignment errors on port 1 rising', 'CRC/alignment errors on port 1 back to normal'];

/** eventTable (RFC 2819 §5, eventEntry columns 1–7): 1 = rising, 2 = falling, both log-and-trap. */
export const EVENT_TABLE: readonly MibObject[] = [
  col(EVENT, 'eventIndex', 1, (_d, i) => int(i), eventRows),
  col(EVENT, 'eventDescription', 2, (_d, i) => text(EVENT_DESCRIPTION[i] ?? ''), eventRows),
  col(EVENT, 'eventType', 3, () => int(4), eventRows), // log-and-trap(4)
  col(EVENT, 'eventCommunity', 4, () => text('public'), eventRows),
  col(EVENT, 'eventLastTimeSent', 5, (d, i, now) => {
    const last = [...alarmLog(d, now).entries].reverse().find((e) => e.eventIndex === i);
    return { type: 'TimeTicks', value: last ? ticksAt(d, last.atMs, now) : 0 };
  }, eventRows),
  col(EVENT, 'eventOwner', 6, () => text(LAB_RMON_OWNER), eventRows),
  col(EVENT, 'eventStatus', 7, () => int(VALID), eventRows),
];

function logEntry(d: LabDevice, suffix: Oid, now: number) {
  if (suffix.length !== 2) return undefined;
  return alarmLog(d, now).entries.find((e) => e.eventIndex === suffix[0] && e.logIndex === suffix[1]);
}

function nextLog(d: LabDevice, after: Oid | undefined, now: number): Oid | undefined {
  const sorted = [...alarmLog(d, now).entries].sort((a, b) => a.eventIndex - b.eventIndex || a.logIndex - b.logIndex);
  for (const e of sorted) {
    const key: Oid = [e.eventIndex, e.logIndex];
    if (!after || compare(key, after) > 0) return key;
  }
  return undefined;
}

function compare(a: Oid, b: Oid): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

function log(name: string, sub: number, value: (d: LabDevice, e: NonNullable<ReturnType<typeof logEntry>>, now: number) => MibValue): DynamicMibObject {
  return {
    name,
    oid: parseOid(`${LOG}.${sub}`),
    nextInstance: nextLog,
    value: (d, suffix, now) => {
      const e = logEntry(d, suffix, now);
      return e ? value(d, e, now) : undefined;
    },
  };
}

/** logTable (RFC 2819 §5, logEntry columns 1–4), index logEventIndex.logIndex. */
export const LOG_TABLE: readonly DynamicMibObject[] = [
  log('logEventIndex', 1, (_d, e) => int(e.eventIndex)),
  log('logIndex', 2, (_d, e) => int(e.logIndex)),
  log('logTime', 3, (d, e, now) => ({ type: 'TimeTicks', value: ticksAt(d, e.atMs, now) })),
  log('logDescription', 4, (_d, e) => text(`${EVENT_DESCRIPTION[e.eventIndex]}: alarm 1 delta ${e.value}`)),
];

export const RMON_OBJECTS: readonly MibObject[] = [...ETHER_STATS_TABLE, ...ETHER_STATS_HC_TABLE, ...HISTORY_CONTROL_TABLE, ...ALARM_TABLE, ...EVENT_TABLE];
export const RMON_DYNAMIC_OBJECTS: readonly DynamicMibObject[] = [...ETHER_HISTORY_TABLE, ...ETHER_HISTORY_HC_TABLE, ...LOG_TABLE];
