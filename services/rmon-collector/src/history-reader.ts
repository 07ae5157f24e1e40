import { agentRestarted } from '@sonde/snmp/counters/counter-rate';
import type { ReadContext } from '@sonde/snmp/poll/device-poller';
import { pollGroup, type GroupReading, type RowRange } from '@sonde/snmp/poll/group-poller';
import type { MetricGroup } from '@sonde/snmp/poll/metric-group';
import type { StoredIndexes } from './probe-indexes';
import { addPart, emptyReading, readInParts } from './reading-parts';

/** How this cycle read each control row's buckets; the HC table is read over the same ranges. */
export interface HistoryPlan {
  ranges: Map<string, RowRange>;
  /** Walk options per control row read from its cursor (repetitions sized to the buckets expected). */
  walk: Map<string, ReadContext['walk']>;
  /** Control rows whose sample indexes started again (agent restart, row re-created): read whole, all fresh. */
  restarted: Set<string>;
}

const INTERVAL_START = 'etherHistoryIntervalStart';

/**
 * Reads etherHistoryTable incrementally: per historyControl row, one walk of every column from
 * the last published bucket on (`etherHistoryEntry.<col>.<control>.<last - 1>`), so a steady
 * cycle fetches that bucket (the anchor) and the new ones instead of all the probe holds.
 * The anchor tells whether the index sequence is still the one we published from:
 *   - anchor held, same interval start: continuous; what follows is new.
 *   - anchor gone but later buckets held: it aged out after we published it; indexes between it
 *     and the first one held were lost (index-diff reports them).
 *   - anchor held with another interval start, or nothing held from it on: the row was
 *     re-created; it is read whole and treated as restarted (index-diff sees the lower indexes).
 * An agent restart (sysUpTime, as for counters) makes every row restarted and read whole.
 * Rows never seen before are read whole (first poll, new control row).
 */
export async function readEtherHistory(group: MetricGroup, ctx: ReadContext, stored: StoredIndexes, plan: HistoryPlan): Promise<GroupReading> {
  const controls = controlIndexes(ctx.readings);
  const reading = emptyReading(group.name);
  return readInParts(reading, async () => {
    const restarted =
      stored.u !== undefined && stored.w !== undefined && ctx.sysUpTime !== undefined && ctx.ts > stored.w &&
      agentRestarted({ value: 0n, ts: stored.w, sysUpTime: stored.u }, { value: 0n, ts: ctx.ts, sysUpTime: ctx.sysUpTime }, ctx.ts - stored.w);
    for (const c of controls) {
      const last = stored.h[c];
      const whole: RowRange = { within: c };
      if (last === undefined || restarted) {
        if (last !== undefined) plan.restarted.add(c);
        addPart(reading, await pollGroup(ctx.session, group, ctx.walk, whole));
        plan.ranges.set(c, whole);
        continue;
      }
      const from: RowRange = { within: c, after: `${c}.${last - 1}` };
      const walk = { ...ctx.walk, maxRepetitions: repetitionsFor(ctx, stored, intervalOf(ctx.readings, c)) };
      plan.walk.set(c, walk);
      const part = await pollGroup(ctx.session, group, walk, from);
      const anchor = part.rows.find((r) => r.index === `${c}.${last}`);
      const anchorStart = anchor?.cells.find((x) => x.name === INTERVAL_START)?.vb.value;
      const moved = anchor !== undefined && stored.t[c] !== undefined && typeof anchorStart === 'number' && anchorStart !== stored.t[c];
      if (part.rows.length > 0 && !moved) {
        addPart(reading, part);
        plan.ranges.set(c, from);
        continue;
      }
      // re-created control row: the part read counts as received and parsed, then it is read whole
      addPart(reading, part, false);
      if (moved) plan.restarted.add(c);
      addPart(reading, await pollGroup(ctx.session, group, ctx.walk, whole));
      plan.ranges.set(c, whole);
    }
  });
}

/** etherHistoryHighCapacityTable over the ranges etherHistoryTable was read with this cycle. */
export async function readHistoryHighCapacity(group: MetricGroup, ctx: ReadContext, plan: HistoryPlan): Promise<GroupReading> {
  const reading = emptyReading(group.name);
  return readInParts(reading, async () => {
    for (const [c, range] of plan.ranges) addPart(reading, await pollGroup(ctx.session, group, plan.walk.get(c) ?? ctx.walk, range));
  });
}

/**
 * GETBULK repetitions for a read from the cursor: the anchor, the buckets the elapsed time can
 * have filled, and one more to see the row end — so a steady cycle's one request carries no
 * other column's rows. Fewer than needed only costs another request; more than configured never.
 */
function repetitionsFor(ctx: ReadContext, stored: StoredIndexes, intervalS: number | undefined): number {
  if (intervalS === undefined || intervalS <= 0 || stored.w === undefined || ctx.ts <= stored.w) return ctx.walk.maxRepetitions;
  const expected = 2 + Math.ceil((ctx.ts - stored.w) / (intervalS * 1000));
  return Math.max(2, Math.min(ctx.walk.maxRepetitions, expected));
}

function intervalOf(readings: readonly GroupReading[], c: string): number | undefined {
  const row = readings.find((r) => r.group === 'historyControl')?.rows.find((r) => r.index === c);
  const v = row?.cells.find((x) => x.name === 'historyControlInterval')?.vb.value;
  return typeof v === 'number' ? v : undefined;
}

function controlIndexes(readings: readonly GroupReading[]): string[] {
  const control = readings.find((r) => r.group === 'historyControl');
  return (control?.rows ?? []).map((r) => r.index).filter((i) => /^\d+$/.test(i));
}
