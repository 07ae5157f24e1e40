import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import { counterRate, type CounterReading, type NoRateReason } from '../counters/counter-rate';
import { varbindText, type Varbind } from '../session/varbind';
import type { GroupReading, GroupRow } from './group-poller';
import type { MetricGroup } from './metric-group';

export interface SampleContext {
  ts: number;
  /** sysUpTime.0 of this cycle (ticks), for restart detection. */
  sysUpTime?: number;
  /** Last counter readings of the device (mutated: updated with this cycle's readings). */
  counters: Map<string, CounterReading>;
  maxGapMs: number;
  /** Labels every sample of the device carries. */
  baseLabels: Readonly<Record<string, string>>;
}

export interface GroupSamples {
  samples: MetricSample[];
  /** Counters for which no rate was published this cycle, by reason (first, restart, gap…). */
  noRate: Partial<Record<NoRateReason, number>>;
}

/** Turns a group reading into long-format samples: raw values, counters and their rates. */
export function groupSamples(group: MetricGroup, reading: GroupReading, ctx: SampleContext): GroupSamples {
  const samples: MetricSample[] = [];
  const noRate: GroupSamples['noRate'] = {};
  const indexNames = group.table?.index ?? ['index'];
  // `label` scalars label every sample of the group (sysName on sysUpTime)
  const scalarLabels: Record<string, string> = {};
  for (const row of reading.rows) {
    if (row.index !== '') continue;
    for (const cell of row.cells) if (cell.object.type === 'label') scalarLabels[cell.name] = labelValue(cell.vb);
  }
  for (const row of reading.rows) {
    const labels: Record<string, string> = { ...ctx.baseLabels, ...scalarLabels };
    if (row.index !== '') Object.assign(labels, indexLabels(indexNames, row.index));
    for (const cell of row.cells) if (cell.object.type === 'label' && row.index !== '') labels[cell.name] = labelValue(cell.vb);
    emitRow(group, row, labels, ctx, samples, noRate);
  }
  return { samples, noRate };
}

function emitRow(group: MetricGroup, row: GroupRow, labels: Record<string, string>, ctx: SampleContext, out: MetricSample[], noRate: GroupSamples['noRate']): void {
  let discontinuity: number | undefined;
  let byName: Map<string, GroupRow['cells'][number]> | undefined;
  const cellNamed = (name: string) => (byName ??= new Map(row.cells.map((c) => [c.name, c]))).get(name);
  for (const cell of row.cells) if (cell.object.discontinuity && typeof cell.vb.value === 'number') discontinuity = cell.vb.value;
  for (const cell of row.cells) {
    const o = cell.object;
    if (o.type === 'label') continue;
    const raw = numeric(cell.vb);
    if (raw === undefined) continue;
    let value = Number(raw) * (o.scale ?? 1);
    if (o.scaleByColumn) {
      const by = cellNamed(o.scaleByColumn);
      const factor = by ? numeric(by.vb) : undefined;
      if (factor === undefined) continue;
      value *= Number(factor);
    }
    if (!Number.isFinite(value)) continue;
    if (o.type !== 'counter') {
      out.push({ name: cell.name, labels, value, unit: o.unit, type: o.type === 'status' ? 'status' : 'gauge' });
      continue;
    }
    out.push({ name: cell.name, labels, value, unit: o.unit, type: 'counter' });
    const key = `${group.name}/${cell.name}/${row.index}`;
    const reading: CounterReading = {
      value: typeof raw === 'bigint' ? raw : BigInt(Math.max(0, Math.trunc(raw))),
      ts: ctx.ts,
      ...(ctx.sysUpTime === undefined ? {} : { sysUpTime: ctx.sysUpTime }),
      ...(discontinuity === undefined ? {} : { discontinuity }),
    };
    let ceiling: number | undefined;
    if (o.rateCeiling) {
      const c = cellNamed(o.rateCeiling.column);
      const v = c ? numeric(c.vb) : undefined;
      if (v !== undefined && Number(v) > 0) ceiling = Number(v) * o.rateCeiling.multiplier;
    }
    const rate = counterRate(ctx.counters.get(key), reading, {
      bits: cell.vb.type === 'Counter64' ? 64 : 32,
      maxGapMs: ctx.maxGapMs,
      ...(ceiling === undefined ? {} : { maxRatePerSecond: ceiling }),
    });
    ctx.counters.set(key, reading);
    if (rate.ok) out.push({ name: `${cell.name}_rate`, labels, value: rate.perSecond, unit: o.unit ? `${o.unit}/s` : '1/s', type: 'rate' });
    else noRate[rate.reason] = (noRate[rate.reason] ?? 0) + 1;
  }
}

function numeric(vb: Varbind): number | bigint | undefined {
  return typeof vb.value === 'number' || typeof vb.value === 'bigint' ? vb.value : undefined;
}

/** One name = the whole index; several = one sub-identifier each (the last takes the rest). */
export function indexLabels(names: readonly string[], index: string): Record<string, string> {
  if (names.length <= 1) return { [names[0] ?? 'index']: index };
  const parts = index.split('.');
  const out: Record<string, string> = {};
  names.forEach((name, i) => {
    out[name] = i === names.length - 1 ? parts.slice(i).join('.') : (parts[i] ?? '');
  });
  return out;
}

/** A label's value by the one printable rule (session/varbind.ts): text, else `0x` + hex (MAC addresses, binary strings). */
export function labelValue(vb: Varbind): string {
  return varbindText(vb);
}
