import type { AlertSeries, DeviceAlertState } from './device-alert-state';
import type { LabelSet } from './label-set';

/** One rule's series on one device: how many exist, and a cache from label key to series. */
export class RuleSeries {
  /** Series of the rule in `state.series` (0: an inactive observation changes nothing). */
  live = 0;
  /** The series without labels (most rules: one series per device), then the others by LabelSet key. */
  private unlabelled: AlertSeries | undefined;
  private byKey: Map<string, AlertSeries> | undefined;

  /** A cached series; the caller checks it is still `state.series[fp]` (a dropped one may linger). */
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
   * `state.series` as a Map, kept in step by the evaluator: looking up a fingerprint that is not
   * (yet) a key of the record costs a runtime call in V8, a Map lookup does not.
   */
  readonly byFingerprint = new Map<string, AlertSeries>();

  constructor(state: DeviceAlertState) {
    for (const fp in state.series) {
      const s = state.series[fp] as AlertSeries;
      this.byFingerprint.set(fp, s);
      this.of(s.ruleId).live++;
    }
  }

  /** The rule's entry, if it ever had a series here. */
  get(ruleId: string): RuleSeries | undefined {
    return this.rules.get(ruleId);
  }

  of(ruleId: string): RuleSeries {
    let r = this.rules.get(ruleId);
    if (!r) this.rules.set(ruleId, (r = new RuleSeries()));
    return r;
  }
}
