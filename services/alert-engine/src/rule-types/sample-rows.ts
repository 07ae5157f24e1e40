import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import { labelSet, sameNames, sortedNames, type LabelSet } from '../label-set';

/**
 * Samples of one event grouped by label set: one row of a table (an interface, a disk), so a
 * rule can read ifOperStatus beside ifAdminStatus, or hrStorageUsed beside hrStorageSize.
 * The poller shares one labels object per row; after a JSON round trip rows are recovered by
 * their label text.
 */
export interface SampleRow {
  labels: Record<string, string>;
  values: Record<string, number>;
  /** Series label sets made from this row, per `by` list: the rules reading one row share them. */
  sets?: { by: readonly string[] | undefined; set: LabelSet }[];
}

/** The samples of one name in one event, with their value range (a threshold rule's cheap test). */
export interface SampleGroup {
  samples: MetricSample[];
  /** Smallest and largest non-NaN value (+∞ / −∞ when there is none). */
  min: number;
  max: number;
}

function labelKey(labels: Record<string, string>): string {
  let key = '';
  for (const name of sortedNames(labels)) key += `${name}\u0000${labels[name]}\u0001`;
  return key;
}

// The rules of one event read its samples one after the other: the rows and groups of the last
// samples array are kept (not a WeakMap per event: ephemeron tables are GC work), and the
// evaluator forgets them before each event (forgetSamples), so an array reused by a producer
// with new values is read afresh.
let lastRowsOf: readonly MetricSample[] | undefined;
let lastRows: SampleRow[] = [];

let lastGroupsOf: readonly MetricSample[] | undefined;
let lastGroups = new Map<string, SampleGroup>();
const NO_SAMPLES: readonly MetricSample[] = [];
const NO_ROWS: SampleRow[] = [];
const NO_GROUPS = new Map<string, SampleGroup>();

/** Drops the rows and groups of the last event (the evaluator calls it before each event). */
export function forgetSamples(): void {
  // references only: the next event's reader allocates what it needs (most events read no rows)
  lastRowsOf = undefined;
  lastRows = NO_ROWS;
  lastGroupsOf = undefined;
  lastGroups = NO_GROUPS;
}

/** sampleRows, computed once per event however many rules read the rows. */
export function cachedRows(samples: readonly MetricSample[]): SampleRow[] {
  if (samples !== lastRowsOf) {
    lastRows = sampleRows(samples);
    lastRowsOf = samples;
  }
  return lastRows;
}

/** The samples of the event by name, indexed once per event (threshold rules read only their metric). */
export function sampleGroups(samples: readonly MetricSample[]): ReadonlyMap<string, SampleGroup> {
  if (samples === lastGroupsOf) return lastGroups;
  const groups = new Map<string, SampleGroup>();
  for (const s of samples) {
    let g = groups.get(s.name);
    if (!g) groups.set(s.name, (g = { samples: [], min: Infinity, max: -Infinity }));
    g.samples.push(s);
    if (s.value < g.min) g.min = s.value;
    if (s.value > g.max) g.max = s.value;
  }
  lastGroupsOf = samples;
  lastGroups = groups;
  return groups;
}

export function sampleGroup(samples: readonly MetricSample[], name: string): SampleGroup | undefined {
  return sampleGroups(samples).get(name);
}

export function samplesNamed(samples: readonly MetricSample[], name: string): readonly MetricSample[] {
  return sampleGroups(samples).get(name)?.samples ?? NO_SAMPLES;
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

/**
 * The LabelSet of a row for `by`, made once per row and `by` list (interface-errors and
 * interface-utilization both split rows by ifIndex and ifName: one label set, one key string).
 */
export function rowLabelSet(row: SampleRow, by: readonly string[] | undefined): LabelSet {
  const sets = (row.sets ??= []);
  for (const c of sets) if (c.by === by || (c.by !== undefined && by !== undefined && sameNames(c.by, by))) return c.set;
  const set = seriesLabelSet(row.labels, by);
  sets.push({ by, set });
  return set;
}

/** seriesLabels as the LabelSet an observation carries. */
export function seriesLabelSet(labels: Readonly<Record<string, string>>, by: readonly string[] | undefined): LabelSet {
  return labelSet(seriesLabels(labels, by));
}
