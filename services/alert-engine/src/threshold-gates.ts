import type { SondeEvent } from '@sonde/events/sonde-event';
import type { CompiledRule } from './compiled-rule';
import type { Comparison } from './rule-types/compare';
import { sampleGroup } from './rule-types/sample-rows';

/** Rules of one list testing the same metric with the same comparison, most permissive first. */
interface Family {
  metric: string;
  op: '>' | '>=' | '<' | '<=';
  /** Thresholds in the order of `rank`: ascending for > and >=, descending for < and <=. */
  thresholds: number[];
}

const GATED: ReadonlySet<Comparison> = new Set(['>', '>=', '<', '<=']);
const NONE = new Int32Array(0);
const cache = new WeakMap<readonly CompiledRule[], ThresholdGates>();

/**
 * A decision table over the plain threshold rules of one selected list (`behaviour.gate`):
 * the rules of one metric and comparison sorted by threshold, so one binary search per event and
 * family says which of them any value of the event can pass — the rest are skipped, unless the
 * device has a series of the rule (then the rule runs as before and sees its condition clear).
 * It only skips rules whose own `mayObserve` would refuse the event, so transitions are those of
 * running every rule (src/rule-selection.spec.ts checks it against exactly that).
 */
export class ThresholdGates {
  /** Per position in the list: its family, or -1 (not gated). */
  readonly family: Int32Array;
  /** Per position: its rank in the family; the rule may pass when rank < cut[family]. */
  readonly rank: Int32Array;
  private readonly families: Family[] = [];
  private readonly cuts: Int32Array;

  /** The table of a list RuleSelection returned (lists are cached, so are their tables). */
  static of(list: readonly CompiledRule[]): ThresholdGates {
    let gates = cache.get(list);
    if (!gates) cache.set(list, (gates = new ThresholdGates(list)));
    return gates;
  }

  private constructor(list: readonly CompiledRule[]) {
    this.family = new Int32Array(list.length).fill(-1);
    this.rank = new Int32Array(list.length);
    const members = new Map<string, { family: number; rules: { at: number; threshold: number }[] }>();
    list.forEach((rule, at) => {
      const gate = rule.behaviour.gate;
      if (!gate || !GATED.has(gate.op)) return;
      const key = `${gate.metric}\u0000${gate.op}`;
      let m = members.get(key);
      if (!m) {
        m = { family: this.families.length, rules: [] };
        members.set(key, m);
        this.families.push({ metric: gate.metric, op: gate.op as Family['op'], thresholds: [] });
      }
      m.rules.push({ at, threshold: gate.threshold });
    });
    for (const m of members.values()) {
      const f = this.families[m.family] as Family;
      const ascending = f.op === '>' || f.op === '>=';
      m.rules.sort((a, b) => (ascending ? a.threshold - b.threshold : b.threshold - a.threshold));
      m.rules.forEach((r, rank) => {
        this.family[r.at] = m.family;
        this.rank[r.at] = rank;
        f.thresholds.push(r.threshold);
      });
    }
    this.cuts = this.families.length === 0 ? NONE : new Int32Array(this.families.length);
  }

  get empty(): boolean {
    return this.families.length === 0;
  }

  /**
   * How many rules of each family (in rank order) the event's values may pass: the range of the
   * metric's samples (as `mayHoldInRange`), or the icmp.probe field. Reused array: read it before
   * the next call.
   */
  cutsFor(event: SondeEvent): Int32Array {
    for (let i = 0; i < this.families.length; i++) {
      const f = this.families[i] as Family;
      let min: number;
      let max: number;
      if (event.kind === 'snmp.metric' || event.kind === 'rmon.sample') {
        const group = sampleGroup(event.payload.samples, f.metric);
        if (!group) {
          this.cuts[i] = 0;
          continue;
        }
        min = group.min;
        max = group.max;
      } else if (event.kind === 'icmp.probe') {
        const v = (event.payload as unknown as Record<string, unknown>)[f.metric];
        if (typeof v !== 'number') {
          this.cuts[i] = 0;
          continue;
        }
        min = max = v;
      } else {
        // a kind the table does not know: every rule runs its own test
        this.cuts[i] = f.thresholds.length;
        continue;
      }
      this.cuts[i] = passing(f, min, max);
    }
    return this.cuts;
  }
}

/** The number of leading thresholds `op` lets some value in [min, max] pass (binary search). */
function passing(f: Family, min: number, max: number): number {
  const t = f.thresholds;
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = t[mid] as number;
    const pass = f.op === '>' ? max > x : f.op === '>=' ? max >= x : f.op === '<' ? min < x : min <= x;
    if (pass) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
