import type { EventKind } from '@sonde/events/event-kind';
import type { AlertSeverity } from '@sonde/events/payloads/alert-state';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { TemplateContext } from './annotation-template';
import type { CelEngine } from './cel-engine';
import type { LabelSet } from './label-set';
import type { AlertRuleConfig, RuleOfType } from './rule-config';
import type { Comparison } from './rule-types/compare';

/**
 * What one rule saw in one event for one series: its labels (from the sample, varbinds or
 * message, after `by`), whether the condition holds, and the value. Arguments rather than an
 * object: the hot path allocates nothing per observation.
 */
export type ObservationSink = (labels: LabelSet, active: boolean, value: number | undefined) => void;

/** A rule type's run-time part, built once at load (style rule 6: registered by `type`). */
export interface RuleBehaviour {
  /** Event kinds it observes (empty: timers only, e.g. absence, silence). */
  kinds: readonly EventKind[];
  /**
   * Sample names a metric rule reads: an snmp.metric / rmon.sample event with none of them is
   * never shown to the rule (RuleSelection). Undefined: any event of its kinds.
   */
  metrics?: readonly string[];
  /** Trap names and OIDs a trap rule matches (RuleSelection); undefined: any trap. */
  trapNames?: ReadonlySet<string>;
  /** Syslog rules: a message less severe than this (a higher number) is never shown to the rule. */
  maxSeverity?: number;
  /**
   * Turns one selected event into observations. `tracked` is false when the device has no series
   * of this rule: then an observation whose condition does not hold changes nothing and may be skipped.
   */
  observe?(event: SondeEvent, out: ObservationSink, tracked: boolean): void;
  /**
   * A cheap test run before `match`/`condition`: false when `observe` would emit nothing for this
   * event (wrong trap name, value on the quiet side of the threshold with no series), so the rule
   * costs no CEL activation. It decides nothing `observe` does not decide again.
   */
  mayObserve?(event: SondeEvent, tracked: boolean): boolean;
  /**
   * A plain threshold's test as data (threshold rules on a sample name or an icmp.probe field):
   * `ThresholdGates` sorts the rules of one metric and comparison by threshold, so one binary
   * search per event skips those no value of the event can pass on a device without their series.
   * Only ever skips what `mayObserve` would refuse.
   */
  gate?: { metric: string; op: Comparison; threshold: number };
  /** Observations feed flap detection (threshold, state): the condition is re-checked each cycle. */
  flappable: boolean;
  /** Event alerts have no clearing event: they clear this long after the last match. */
  resolveAfterMs?: number;
  /** Window rules: more than `count` events in `windowMs`. */
  window?: { count: number; windowMs: number };
  threshold?: number;
  /** The condition holds only after this many consecutive active observations (poll-failing cycles). */
  streak?: number;
}

export type RuleBehaviourFactory<T extends AlertRuleConfig['type']> = (rule: RuleOfType<T>, cel: CelEngine, path: string) => RuleBehaviour;

/** A loaded rule: its config, selection and behaviour, and compiled annotation templates. */
export interface CompiledRule {
  id: string;
  name: string;
  severity: AlertSeverity;
  config: AlertRuleConfig;
  /** Where it came from, for messages: `alertEngine.rules[2]` or `rules/site.yaml: rules[0] (id x)`. */
  origin: string;
  behaviour: RuleBehaviour;
  /** `match` and `condition` on the event (device tags from the inventory). */
  selects(event: SondeEvent, tags: readonly string[]): boolean;
  annotations(ctx: TemplateContext): Record<string, string>;
  forMs: number;
  keepFiringForMs: number;
  /**
   * Position in its RuleSet (indexRules sets it; -1 outside one): the evaluator's per-device
   * arrays are indexed by it, so "has this rule a series here?" is an array read, not a lookup.
   */
  slot: number;
}
