import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import type { GroupOutput } from '@sonde/snmp/poll/device-poller';
import { indexDiff, lostCount } from './index-diff';
import { interfaceLabels, type InterfaceInfo } from './interface-names';
import { ETHER_HISTORY_COLUMNS } from './rmon-tables';
import { dataSourceIfIndex, entryStatusName, type RmonRow } from './rmon-row';

/** etherHistory columns published per bucket: the interval's values (gauges, not running counters). */
const BUCKET_VALUES = ETHER_HISTORY_COLUMNS.filter((c) => c !== 'etherHistoryIndex' && c !== 'etherHistorySampleIndex' && c !== 'etherHistoryIntervalStart' && c !== 'etherHistoryUtilization');
/** RFC 3273 64-bit values of a bucket, replacing the 32-bit ones when present. */
const HC_BUCKET: Readonly<Record<string, string>> = { etherHistoryPkts: 'etherHistoryHighCapacityPkts', etherHistoryOctets: 'etherHistoryHighCapacityOctets' };

export interface HistoryInput {
  control: ReadonlyMap<string, RmonRow>;
  /** etherHistory rows by `historyIndex.sampleIndex`. */
  buckets: ReadonlyMap<string, RmonRow>;
  hcBuckets: ReadonlyMap<string, RmonRow>;
  interfaces: Map<number, InterfaceInfo>;
  /** Last sample index published per control row (historyControlIndex → etherHistorySampleIndex). */
  last: Readonly<Record<string, number>>;
  /** Control rows whose sample indexes started again this cycle (history-reader.ts): every bucket held is fresh. */
  restarted: ReadonlySet<string>;
  /** Wall clock (ms) of a sysUpTime reading: buckets carry their interval start in sysUpTime ticks. */
  wallOf: (ticks: number) => number;
  ts: number;
}

export interface HistoryOutput {
  groups: GroupOutput[];
  /** The new last index per control row (to store). */
  last: Record<string, number>;
  /** The interval start (ticks) of that last bucket per control row, when the probe still holds it. */
  lastStart: Record<string, number>;
  lostBuckets: number;
}

/**
 * History (RFC 2819 §5 history group): per control row, the buckets new since the last poll
 * (indexDiff on etherHistorySampleIndex), each as its own `etherHistory` group stamped with its
 * interval start; buckets that aged out unseen are reported in `etherHistoryLoss` with their
 * exact sample indexes. The control rows themselves go in `historyControl`.
 */
export function historySamples(input: HistoryInput): HistoryOutput {
  const groups: GroupOutput[] = [];
  const control: MetricSample[] = [];
  const loss: MetricSample[] = [];
  const last: Record<string, number> = {};
  const lastStart: Record<string, number> = {};
  let lostBuckets = 0;
  const byControl = new Map<string, RmonRow[]>();
  for (const [index, row] of input.buckets) {
    const c = index.split('.')[0] ?? '';
    let list = byControl.get(c);
    if (!list) byControl.set(c, (list = []));
    list.push(row);
  }
  for (const [c, row] of input.control) {
    const src = row.vb('historyControlDataSource');
    const ifIndex = dataSourceIfIndex(typeof src?.value === 'string' ? src.value : undefined);
    const intervalS = row.num('historyControlInterval');
    const labels: Record<string, string> = {
      historyIndex: c,
      ...interfaceLabels(ifIndex, input.interfaces),
      owner: row.text('historyControlOwner') ?? '',
      ...(intervalS === undefined ? {} : { interval_s: String(intervalS) }),
    };
    const status = row.num('historyControlStatus');
    control.push({ name: 'historyControlStatus', labels: { ...labels, status: entryStatusName(status) }, value: status ?? 0, unit: '', type: 'status' });
    for (const n of ['historyControlBucketsRequested', 'historyControlBucketsGranted'] as const) {
      const v = row.num(n);
      if (v !== undefined) control.push({ name: n, labels, value: v, unit: '', type: 'gauge' });
    }
    if (intervalS !== undefined) control.push({ name: 'historyControlInterval', labels, value: intervalS, unit: 's', type: 'gauge' });

    const rows = byControl.get(c) ?? [];
    const bySample = new Map<number, RmonRow>();
    for (const r of rows) {
      const s = Number(r.index.split('.')[1]);
      if (Number.isInteger(s)) bySample.set(s, r);
    }
    const restarted = input.restarted.has(c);
    const diff = indexDiff([...bySample.keys()], restarted ? undefined : input.last[c]);
    if (restarted) diff.restarted = true;
    if (diff.last !== undefined) last[c] = diff.last;
    const lastBucketStart = diff.last === undefined ? undefined : bySample.get(diff.last)?.num('etherHistoryIntervalStart');
    if (lastBucketStart !== undefined) lastStart[c] = lastBucketStart;
    for (const s of diff.fresh) {
      const r = bySample.get(s) as RmonRow;
      const hc = input.hcBuckets.get(r.index);
      const bl: Record<string, string> = { ...labels, sampleIndex: String(s), counter_bits: hc ? '64' : '32' };
      const samples: MetricSample[] = [];
      for (const name of BUCKET_VALUES) {
        const hcName = HC_BUCKET[name];
        const hv = hc && hcName ? hc.num(hcName) : undefined;
        const v = hv ?? r.num(name);
        if (v !== undefined) samples.push({ name, labels: bl, value: v, unit: name === 'etherHistoryOctets' ? 'By' : '', type: 'gauge' });
      }
      const util = r.num('etherHistoryUtilization');
      // hundredths of a percent (RFC 2819 etherHistoryUtilization)
      if (util !== undefined) samples.push({ name: 'etherHistoryUtilization', labels: bl, value: util / 100, unit: '%', type: 'gauge' });
      const start = r.num('etherHistoryIntervalStart');
      groups.push({ group: 'etherHistory', samples, ts: start === undefined ? input.ts : input.wallOf(start) });
    }
    const lost = lostCount(diff.lost);
    lostBuckets += lost;
    for (const range of diff.lost) {
      loss.push({
        name: 'etherHistoryBucketsLost',
        labels: { ...labels, first_sample_index: String(range.first), last_sample_index: String(range.last), reason: 'aged-out' },
        value: range.last - range.first + 1,
        unit: '',
        type: 'gauge',
      });
    }
    if (diff.restarted) loss.push({ name: 'etherHistoryRestarted', labels: { ...labels, reason: 'sample-index-went-back' }, value: 1, unit: '', type: 'status' });
  }
  if (control.length > 0) groups.unshift({ group: 'historyControl', samples: control });
  if (loss.length > 0) groups.push({ group: 'etherHistoryLoss', samples: loss });
  return { groups, last, lastStart, lostBuckets };
}
