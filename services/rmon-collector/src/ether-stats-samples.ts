import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import { counterRate, type CounterReading, type NoRateReason } from '@sonde/snmp/counters/counter-rate';
import type { SamplerContext } from '@sonde/snmp/poll/device-poller';
import { interfaceLabels, type InterfaceInfo } from './interface-names';
import { HC_TWIN } from './rmon-tables';
import { dataSourceIfIndex, entryStatusName, type RmonRow } from './rmon-row';

/** The etherStats counters (RFC 2819 §5); those with an HC twin are read 64-bit when the probe has it. */
export const ETHER_STATS_COUNTERS = [
  'etherStatsDropEvents', 'etherStatsOctets', 'etherStatsPkts', 'etherStatsBroadcastPkts', 'etherStatsMulticastPkts',
  'etherStatsCRCAlignErrors', 'etherStatsUndersizePkts', 'etherStatsOversizePkts', 'etherStatsFragments', 'etherStatsJabbers',
  'etherStatsCollisions', 'etherStatsPkts64Octets', 'etherStatsPkts65to127Octets', 'etherStatsPkts128to255Octets',
  'etherStatsPkts256to511Octets', 'etherStatsPkts512to1023Octets', 'etherStatsPkts1024to1518Octets',
] as const;

const ERROR_COUNTERS = ['etherStatsCRCAlignErrors', 'etherStatsUndersizePkts', 'etherStatsOversizePkts', 'etherStatsFragments', 'etherStatsJabbers'] as const;

/** The size buckets of the size distribution, by the label value Grafana shows. */
const SIZE_BUCKETS: ReadonlyArray<[string, string]> = [
  ['64', 'etherStatsPkts64Octets'], ['65-127', 'etherStatsPkts65to127Octets'], ['128-255', 'etherStatsPkts128to255Octets'],
  ['256-511', 'etherStatsPkts256to511Octets'], ['512-1023', 'etherStatsPkts512to1023Octets'], ['1024-1518', 'etherStatsPkts1024to1518Octets'],
];

const UNITS: Readonly<Record<string, string>> = { etherStatsOctets: 'By' };

export interface EtherStatsOutput {
  samples: MetricSample[];
  noRate: Partial<Record<NoRateReason, number>>;
  /** Rows whose counters came from etherStatsHighCapacityTable. */
  highCapacityRows: number;
}

/**
 * etherStats rows → samples: every column as read (counters 64-bit from the RFC 3273 twin when
 * the probe has it, `counter_bits` saying which), each counter's rate (libs/snmp counterRate:
 * wraps, restarts, gaps, absurd values never give a rate), and per interval: utilization %
 * (octets × 8 / interface speed), error %, broadcast and multicast share, size distribution.
 */
export function etherStatsSamples(
  rows: ReadonlyMap<string, RmonRow>,
  hc: ReadonlyMap<string, RmonRow>,
  interfaces: Map<number, InterfaceInfo>,
  ctx: SamplerContext,
): EtherStatsOutput {
  const samples: MetricSample[] = [];
  const noRate: EtherStatsOutput['noRate'] = {};
  let highCapacityRows = 0;
  for (const [index, row] of rows) {
    const twin = hc.get(index);
    if (twin) highCapacityRows++;
    const dataSource = row.vb('etherStatsDataSource');
    const source = typeof dataSource?.value === 'string' ? dataSource.value : undefined;
    const ifIndex = dataSourceIfIndex(source);
    const labels: Record<string, string> = {
      etherStatsIndex: index,
      ...(source ? { data_source: source } : {}),
      ...interfaceLabels(ifIndex, interfaces),
      owner: row.text('etherStatsOwner') ?? '',
      counter_bits: twin ? '64' : '32',
    };
    samples.push({ name: 'etherStatsStatus', labels: { ...labels, status: entryStatusName(row.num('etherStatsStatus')) }, value: row.num('etherStatsStatus') ?? 0, unit: '', type: 'status' });
    const speed = ifIndex === undefined ? undefined : interfaces.get(ifIndex)?.speedBps;
    const rates = new Map<string, number>();
    for (const name of ETHER_STATS_COUNTERS) {
      const hcName = HC_TWIN[name];
      const c = (twin && hcName ? twin.counter(hcName) : undefined) ?? row.counter(name);
      if (!c) continue;
      const unit = UNITS[name] ?? '';
      const l = twin && hcName ? { ...labels, column: hcName } : labels;
      samples.push({ name, labels: l, value: Number(c.value), unit, type: 'counter' });
      const key = `etherStats/${name}@${c.bits}/${index}`;
      const reading: CounterReading = { value: c.value, ts: ctx.ts, ...(ctx.sysUpTime === undefined ? {} : { sysUpTime: ctx.sysUpTime }) };
      // the wire can carry at most the link speed; octets → bytes/s, packets → minimum frames (84 B on the wire)
      const ceiling = speed === undefined ? undefined : name === 'etherStatsOctets' ? speed / 8 : speed / 8 / 84;
      const rate = counterRate(ctx.counters.get(key), reading, { bits: c.bits, maxGapMs: ctx.maxGapMs, ...(ceiling === undefined ? {} : { maxRatePerSecond: ceiling }) });
      ctx.counters.set(key, reading);
      if (!rate.ok) {
        noRate[rate.reason] = (noRate[rate.reason] ?? 0) + 1;
        continue;
      }
      rates.set(name, rate.perSecond);
      samples.push({ name: `${name}_rate`, labels: l, value: rate.perSecond, unit: unit ? `${unit}/s` : '1/s', type: 'rate' });
    }
    samples.push(...derived(rates, speed, labels));
  }
  return { samples, noRate, highCapacityRows };
}

/** Per-interval shares from the rates of one row (nothing when a needed rate is missing). */
export function derived(rates: ReadonlyMap<string, number>, speedBps: number | undefined, labels: Record<string, string>): MetricSample[] {
  const out: MetricSample[] = [];
  const pct = (name: string, value: number, l = labels) => out.push({ name, labels: l, value: Math.min(100, Math.max(0, value)), unit: '%', type: 'gauge' });
  const octets = rates.get('etherStatsOctets');
  if (octets !== undefined && speedBps) pct('rmon_utilization_pct', ((octets * 8) / speedBps) * 100);
  const pkts = rates.get('etherStatsPkts');
  if (pkts !== undefined && pkts > 0) {
    const errors = ERROR_COUNTERS.map((n) => rates.get(n));
    if (errors.every((e) => e !== undefined)) pct('rmon_error_pct', ((errors as number[]).reduce((a, b) => a + b, 0) / pkts) * 100);
    const bcast = rates.get('etherStatsBroadcastPkts');
    const mcast = rates.get('etherStatsMulticastPkts');
    if (bcast !== undefined) pct('rmon_broadcast_pct', (bcast / pkts) * 100);
    if (mcast !== undefined) pct('rmon_multicast_pct', (mcast / pkts) * 100);
  }
  const sizes = SIZE_BUCKETS.map(([, n]) => rates.get(n));
  if (sizes.every((s) => s !== undefined)) {
    const total = (sizes as number[]).reduce((a, b) => a + b, 0);
    if (total > 0) SIZE_BUCKETS.forEach(([size], i) => pct('rmon_size_pct', ((sizes[i] as number) / total) * 100, { ...labels, size }));
  }
  return out;
}
