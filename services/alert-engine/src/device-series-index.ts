import type { CompiledRule } from './compiled-rule';
import type { AlertSeries, DeviceAlertState } from './device-alert-state';
import type { LabelSet } from './label-set';

/** One rule's series on one device: how many exist, and a cache from label key to series. */
export class RuleSeries {
  /** Series of the rule in `state.series` (0: an inactive observation changes nothing). */
  live = 0;
  /** The series without labels (most rules: one series per device), then the others by LabelSet key. */
  private unlabelled: AlertSeries | undefined;
  private byKey: Map<string, AlertSeries> | undefined;

  /** A cached series; the caller checks it is still `state.series.get(fp)` (a dropped one may linger). */
  cached(labels: LabelSet): AlertSeries | undefined {
    return labels.key === '' ? this.unlabelled : this.byKey?.get(labels.key);
  }

  cache(labels: LabelSet, s: AlertSeries): void {
    if (labels.key === '') this.unlabelled = s;
    else (this.byKey ??= new Map()).set(labels.key, s);
  }

  uncache(labels: LabelSet): void {
    if (labels.key === '') this.unlabelled = undefined;
    else this.byKey?.delete(labels.key);
  }
}

/**
 * The evaluator's index of one device's series by rule, beside the checkpointed state (which
 * keys series by fingerprint only): an observation finds its series with two lookups, and a
 * rule with no series on the device is known at once. Built from `state.series` on first use,
 * so a restored checkpoint needs nothing else.
 */
export class DeviceSeriesIndex {
  private readonly rules = new Map<string, RuleSeries>();
  /**
   * The same entries by `CompiledRule.slot` of the rule set they were last asked for: the
   * evaluator asks once per rule and event, and an array read is cheaper than a string lookup.
   */
  private bySlot: (RuleSeries | undefined)[] = [];
  private slotsOf: readonly CompiledRule[] | undefined;
  constructor(state: DeviceAlertState) {
    for (const s of state.series.values()) this.of(s.ruleId).live++;
  }

  /** The rule's entry, if it ever had a series here. */
  get(ruleId: string): RuleSeries | undefined {
    return this.rules.get(ruleId);
  }

  /** `get` for a rule of `rules` (its slot), renumbered when the rule set changed (reload). */
  inSet(rule: CompiledRule, rules: readonly CompiledRule[]): RuleSeries | undefined {
    if (rules !== this.slotsOf) {
      this.slotsOf = rules;
      this.bySlot = rules.map((r) => this.rules.get(r.id));
    }
    return rule.slot >= 0 && rules[rule.slot] === rule ? this.bySlot[rule.slot] : this.rules.get(rule.id);
  }

  /** The rule's entry, made if needed; `slot` (the rule's, when known) keeps the slot array current. */
  of(ruleId: string, slot = -1): RuleSeries {
    let r = this.rules.get(ruleId);
    if (!r) {
      this.rules.set(ruleId, (r = new RuleSeries()));
      if (slot >= 0 && this.slotsOf?.[slot]?.id === ruleId) this.bySlot[slot] = r;
      // a rule the slot array cannot place: rebuilt at the next inSet
      else this.slotsOf = undefined;
    }
    return r;
  }
}
