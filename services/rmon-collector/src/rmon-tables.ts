import { metricGroupSchema, type MetricGroup } from '@sonde/snmp/poll/metric-group';
import type { RmonGroupName } from './rmon-collector.config';

/**
 * The tables the collector walks, as poll-engine metric groups (data, like the poller's builtin
 * groups): every column of each RMON table by its RFC name, so the sampler finds a cell by name.
 * OIDs: RMON-MIB (RFC 2819 §5), HC-RMON-MIB (RFC 3273 §5), RMON2-MIB (RFC 4502), IF-MIB (RFC 2863).
 */

/**
 * The columns whose values are text or OIDs (OwnerString, DisplayString, DataSource, BITS):
 * `label` objects, so the engine takes any printable value there and counts a non-number in
 * every other column as malformed (libs/snmp/src/poll/varbind-counts.ts).
 */
const TEXT_COLUMNS: ReadonlySet<string> = new Set([
  'ifName', 'ifAlias', 'etherStatsDataSource', 'etherStatsOwner', 'historyControlDataSource', 'historyControlOwner',
  'alarmVariable', 'alarmOwner', 'eventDescription', 'eventCommunity', 'eventOwner', 'logDescription',
  'probeCapabilities', 'protocolDirDescr',
  'hlHostControlDataSource', 'hlHostControlOwner', 'hlMatrixControlDataSource', 'hlMatrixControlOwner',
]);

const column = (oid: string, name: string) => ({ oid, name, ...(TEXT_COLUMNS.has(name) ? { type: 'label' } : {}) });

const table = (name: string, entry: string, columns: readonly string[], index: string[] = ['index']): MetricGroup =>
  metricGroupSchema.parse({
    name,
    table: { index, columns: columns.map((c, i) => column(`${entry}.${i + 1}`, c)) },
  });

/** A table whose columns are not numbered 1…n (only some are read). */
const sparse = (name: string, entry: string, columns: Record<number, string>): MetricGroup =>
  metricGroupSchema.parse({
    name,
    table: { index: ['index'], columns: Object.entries(columns).map(([sub, c]) => column(`${entry}.${sub}`, c)) },
  });

export const ETHER_STATS_COLUMNS = [
  'etherStatsIndex', 'etherStatsDataSource', 'etherStatsDropEvents', 'etherStatsOctets', 'etherStatsPkts',
  'etherStatsBroadcastPkts', 'etherStatsMulticastPkts', 'etherStatsCRCAlignErrors', 'etherStatsUndersizePkts',
  'etherStatsOversizePkts', 'etherStatsFragments', 'etherStatsJabbers', 'etherStatsCollisions',
  'etherStatsPkts64Octets', 'etherStatsPkts65to127Octets', 'etherStatsPkts128to255Octets', 'etherStatsPkts256to511Octets',
  'etherStatsPkts512to1023Octets', 'etherStatsPkts1024to1518Octets', 'etherStatsOwner', 'etherStatsStatus',
] as const;

/** The counters of etherStatsEntry and their RFC 3273 64-bit twin in etherStatsHighCapacityEntry. */
export const HC_TWIN: Readonly<Record<string, string>> = {
  etherStatsPkts: 'etherStatsHighCapacityPkts',
  etherStatsOctets: 'etherStatsHighCapacityOctets',
  etherStatsPkts64Octets: 'etherStatsHighCapacityPkts64Octets',
  etherStatsPkts65to127Octets: 'etherStatsHighCapacityPkts65to127Octets',
  etherStatsPkts128to255Octets: 'etherStatsHighCapacityPkts128to255Octets',
  etherStatsPkts256to511Octets: 'etherStatsHighCapacityPkts256to511Octets',
  etherStatsPkts512to1023Octets: 'etherStatsHighCapacityPkts512to1023Octets',
  etherStatsPkts1024to1518Octets: 'etherStatsHighCapacityPkts1024to1518Octets',
};

const HC_STATS_COLUMNS = [
  'Pkts', 'Octets', 'Pkts64Octets', 'Pkts65to127Octets', 'Pkts128to255Octets', 'Pkts256to511Octets', 'Pkts512to1023Octets', 'Pkts1024to1518Octets',
].flatMap((n) => [`etherStatsHighCapacityOverflow${n}`, `etherStatsHighCapacity${n}`]);

export const ETHER_HISTORY_COLUMNS = [
  'etherHistoryIndex', 'etherHistorySampleIndex', 'etherHistoryIntervalStart', 'etherHistoryDropEvents', 'etherHistoryOctets',
  'etherHistoryPkts', 'etherHistoryBroadcastPkts', 'etherHistoryMulticastPkts', 'etherHistoryCRCAlignErrors',
  'etherHistoryUndersizePkts', 'etherHistoryOversizePkts', 'etherHistoryFragments', 'etherHistoryJabbers',
  'etherHistoryCollisions', 'etherHistoryUtilization',
] as const;

export const RMON_TABLES = {
  ifNames: sparse('ifNames', '1.3.6.1.2.1.31.1.1.1', { 1: 'ifName', 15: 'ifHighSpeed', 18: 'ifAlias' }),
  ifSpeed: sparse('ifSpeed', '1.3.6.1.2.1.2.2.1', { 5: 'ifSpeed' }),
  etherStats: table('etherStats', '1.3.6.1.2.1.16.1.1.1', ETHER_STATS_COLUMNS),
  etherStatsHighCapacity: table('etherStatsHighCapacity', '1.3.6.1.2.1.16.1.7.1', HC_STATS_COLUMNS),
  historyControl: table('historyControl', '1.3.6.1.2.1.16.2.1.1', [
    'historyControlIndex', 'historyControlDataSource', 'historyControlBucketsRequested', 'historyControlBucketsGranted',
    'historyControlInterval', 'historyControlOwner', 'historyControlStatus',
  ]),
  etherHistory: table('etherHistory', '1.3.6.1.2.1.16.2.2.1', ETHER_HISTORY_COLUMNS, ['historyIndex', 'sampleIndex']),
  etherHistoryHighCapacity: table('etherHistoryHighCapacity', '1.3.6.1.2.1.16.2.6.1', [
    'etherHistoryHighCapacityOverflowPkts', 'etherHistoryHighCapacityPkts', 'etherHistoryHighCapacityOverflowOctets', 'etherHistoryHighCapacityOctets',
  ], ['historyIndex', 'sampleIndex']),
  alarm: table('alarm', '1.3.6.1.2.1.16.3.1.1', [
    'alarmIndex', 'alarmInterval', 'alarmVariable', 'alarmSampleType', 'alarmValue', 'alarmStartupAlarm', 'alarmRisingThreshold',
    'alarmFallingThreshold', 'alarmRisingEventIndex', 'alarmFallingEventIndex', 'alarmOwner', 'alarmStatus',
  ]),
  event: table('event', '1.3.6.1.2.1.16.9.1.1', ['eventIndex', 'eventDescription', 'eventType', 'eventCommunity', 'eventLastTimeSent', 'eventOwner', 'eventStatus']),
  log: table('log', '1.3.6.1.2.1.16.9.2.1', ['logEventIndex', 'logIndex', 'logTime', 'logDescription'], ['eventIndex', 'logIndex']),
  probeCapabilities: metricGroupSchema.parse({ name: 'probeCapabilities', scalars: [column('1.3.6.1.2.1.16.19.1.0', 'probeCapabilities')] }),
  protocolDir: sparse('protocolDir', '1.3.6.1.2.1.16.11.2.1', { 3: 'protocolDirLocalIndex', 4: 'protocolDirDescr' }),
  protocolDistStats: sparse('protocolDistStats', '1.3.6.1.2.1.16.12.2.1', { 1: 'protocolDistStatsPkts', 2: 'protocolDistStatsOctets' }),
  // RFC 4502 hlHostControlEntry / hlMatrixControlEntry: the network-layer columns (the Al ones are alHost/alMatrix's)
  hlHostControl: sparse('hlHostControl', '1.3.6.1.2.1.16.14.1.1', {
    2: 'hlHostControlDataSource', 3: 'hlHostControlNlDroppedFrames', 4: 'hlHostControlNlInserts', 5: 'hlHostControlNlDeletes',
    6: 'hlHostControlNlMaxDesiredEntries', 11: 'hlHostControlOwner', 12: 'hlHostControlStatus',
  }),
  // time-filtered (index control.timeMark.localIndex.address…): read per control row at timeMark 0 (time-filter-reader.ts)
  nlHost: sparse('nlHost', '1.3.6.1.2.1.16.14.2.1', { 3: 'nlHostInPkts', 4: 'nlHostOutPkts', 5: 'nlHostInOctets', 6: 'nlHostOutOctets', 7: 'nlHostOutMacNonUnicastPkts' }),
  hlMatrixControl: sparse('hlMatrixControl', '1.3.6.1.2.1.16.15.1.1', {
    2: 'hlMatrixControlDataSource', 3: 'hlMatrixControlNlDroppedFrames', 4: 'hlMatrixControlNlInserts', 5: 'hlMatrixControlNlDeletes',
    6: 'hlMatrixControlNlMaxDesiredEntries', 11: 'hlMatrixControlOwner', 12: 'hlMatrixControlStatus',
  }),
  nlMatrixSD: sparse('nlMatrixSD', '1.3.6.1.2.1.16.15.2.1', { 4: 'nlMatrixSDPkts', 5: 'nlMatrixSDOctets' }),
} as const satisfies Record<string, MetricGroup>;

export type RmonTableName = keyof typeof RMON_TABLES;

/** The tables each configured RMON group reads (variants in a map, style.md). */
export const GROUP_TABLES: Readonly<Record<RmonGroupName, readonly RmonTableName[]>> = {
  statistics: ['ifNames', 'ifSpeed', 'etherStats', 'etherStatsHighCapacity'],
  history: ['historyControl', 'etherHistory', 'etherHistoryHighCapacity'],
  alarm: ['alarm', 'event', 'log'],
  // each control table before the table it controls (the time-filtered reader needs its rows)
  rmon2: ['probeCapabilities', 'protocolDir', 'protocolDistStats', 'hlHostControl', 'nlHost', 'hlMatrixControl', 'nlMatrixSD'],
};

/** The groups to walk for the configured RMON groups, IF-MIB names first (statistics and history join them). */
export function rmonProbeGroups(groups: readonly RmonGroupName[]): MetricGroup[] {
  const names = new Set<RmonTableName>();
  if (groups.includes('history') && !groups.includes('statistics')) names.add('ifNames');
  for (const g of groups) for (const t of GROUP_TABLES[g]) names.add(t);
  return [...names].map((n) => RMON_TABLES[n]);
}
