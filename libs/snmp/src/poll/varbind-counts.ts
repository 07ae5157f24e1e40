import type { DropReason, DropStage } from '@sonde/collector/drop-reason';
import type { Varbind } from '../session/varbind';
import type { MetricObject } from './metric-group';

/**
 * The poll engine's unit is the varbind (services/snmp-poller README, "Counting"): every value of
 * a polled object the agent returned is received once and then either parsed (it became a
 * sample, a label or an input of one) or dropped for one of these reasons, at this stage.
 * Walk ends (endOfMibView, the first OID past a column) are not values and are not counted.
 */
export const VARBIND_DROPS = {
  /** a value of the wrong type for its object (text in a counter or gauge column) */
  malformed: 'decode',
  /** noSuchObject / noSuchInstance answered to a GET: the agent has no such object */
  unsupported: 'decode',
  /** read by a walk that then failed (timeout, maxVarbindsPerWalk passed): the group is not published */
  incomplete: 'receive',
} as const satisfies Partial<Record<DropReason, DropStage>>;

export type VarbindDropReason = keyof typeof VARBIND_DROPS;

export interface VarbindCounts {
  received: number;
  parsed: number;
  dropped: Partial<Record<VarbindDropReason, number>>;
}

export function dropVarbinds(counts: Pick<VarbindCounts, 'dropped'>, reason: VarbindDropReason, n = 1): void {
  if (n > 0) counts.dropped[reason] = (counts.dropped[reason] ?? 0) + n;
}

export function addDropped(into: Pick<VarbindCounts, 'dropped'>, from: Partial<Record<VarbindDropReason, number>>): void {
  for (const [reason, n] of Object.entries(from)) dropVarbinds(into, reason as VarbindDropReason, n ?? 0);
}

/** Every varbind dropped, all reasons. */
export function droppedTotal(dropped: Partial<Record<VarbindDropReason, number>>): number {
  return Object.values(dropped).reduce((n, v) => n + (v ?? 0), 0);
}

/**
 * Whether a value can stand for its object: a `label` takes anything printable; a gauge,
 * counter or status needs a number (INTEGER, Counter32/64, Gauge32, TimeTicks, Opaque number).
 */
export function acceptsValue(object: Pick<MetricObject, 'type'>, vb: Varbind): boolean {
  if (object.type === 'label') return true;
  return typeof vb.value === 'number' || typeof vb.value === 'bigint';
}
