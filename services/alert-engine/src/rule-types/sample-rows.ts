import type { MetricSample } from '@sonde/events/payloads/metric-sample';

/**
 * Samples of one event grouped by label set: one row of a table (an interface, a disk), so a
 * rule can read ifOperStatus beside ifAdminStatus, or hrStorageUsed beside hrStorageSize.
 * The poller shares one labels object per row; after a JSON round trip rows are recovered by
 * their label text.
 */
export interface SampleRow {
  labels: Record<string, string>;
  values: Record<string, number>;
}

function labelKey(labels: Record<string, string>): string {
  let key = '';
  for (const name of Object.keys(labels).sort()) key += `${name}\u0000${labels[name]}\u0001`;
  return key;
}

const rowCache = new WeakMap<readonly MetricSample[], SampleRow[]>();
const nameCache = new WeakMap<readonly MetricSample[], Map<string, MetricSample[]>>();

/** sampleRows, computed once per event however many rules read the rows. */
export function cachedRows(samples: readonly MetricSample[]): SampleRow[] {
  let rows = rowCache.get(samples);
  if (!rows) {
    rows = sampleRows(samples);
    rowCache.set(samples, rows);
  }
  return rows;
}

/** The samples of one name, indexed once per event (threshold rules read only their metric). */
export function samplesNamed(samples: readonly MetricSample[], name: string): readonly MetricSample[] {
  let byName = nameCache.get(samples);
  if (!byName) {
    byName = new Map();
    for (const s of samples) {
      const list = byName.get(s.name);
      if (list) list.push(s);
      else byName.set(s.name, [s]);
    }
    nameCache.set(samples, byName);
  }
  return byName.get(name) ?? [];
}

export function sampleRows(samples: readonly MetricSample[]): SampleRow[] {
  const byObject = new Map<Record<string, string>, SampleRow>();
  const byKey = new Map<string, SampleRow>();
  for (const s of samples) {
    let row = byObject.get(s.labels);
    if (!row) {
      const key = labelKey(s.labels);
      row = byKey.get(key);
      if (!row) {
        row = { labels: s.labels, values: {} };
        byKey.set(key, row);
      }
      byObject.set(s.labels, row);
    }
    row.values[s.name] = s.value;
  }
  return [...byKey.values()];
}

/** Series labels of a row: the `by` labels, or every label but the volatile poll-error ones. */
export function seriesLabels(labels: Readonly<Record<string, string>>, by: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (by) {
    for (const name of by) if (labels[name] !== undefined) out[name] = labels[name];
    return out;
  }
  for (const [name, value] of Object.entries(labels)) if (name !== 'error' && name !== 'error_detail') out[name] = value;
  return out;
}
