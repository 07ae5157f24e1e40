import type { EventKind } from '@sonde/events/event-kind';
import type { AlertSeverity } from '@sonde/events/payloads/alert-state';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { TemplateContext } from './annotation-template';
import type { CelEngine } from './cel-engine';
import type { AlertRuleConfig, RuleOfType } from './rule-config';

/** What one rule saw in one event (or at one tick) for one series. */
export interface Observation {
  /** Series labels from the sample, varbinds or message (after `by`). */
  labels: Record<string, string>;
  /** Does the condition hold? */
  active: boolean;
  value?: number;
}

export type ObservationSink = (o: Observation) => void;

/** A rule type's run-time part, built once at load (style rule 6: registered by `type`). */
export interface RuleBehaviour {
  /** Event kinds it observes (empty: timers only, e.g. absence, silence). */
  kinds: readonly EventKind[];
  /** Sample names a threshold/state rule reads (index for snmp.metric; undefined = any). */
  metrics?: readonly string[];
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
}
