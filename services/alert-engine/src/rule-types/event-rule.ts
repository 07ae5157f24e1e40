import { AlertRuleError } from '../alert-rule-error';
import type { ObservationSink, RuleBehaviour, RuleBehaviourFactory } from '../compiled-rule';
import type { RuleOfType } from '../rule-config';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { NO_LABELS } from '../label-set';
import { compileSyslogSelector, compileTrapSelector, syslogLabels, trapLabels, trapNamesWanted } from './event-selectors';

/**
 * `mayObserve` and `observe` of one selector: the evaluator calls `observe` right after a
 * `mayObserve` that passed (and `match`/`condition`), for the same payload; `observe` then does
 * not run the varbind matchers or the message regex a second time. `mayObserve` always decides
 * afresh, so a payload seen before decides again.
 */
function selectorPair<P extends object>(selects: (p: P) => boolean): { may: (p: P) => boolean; does: (p: P) => boolean } {
  let passed: P | undefined;
  return {
    may(p) {
      passed = selects(p) ? p : undefined;
      return passed !== undefined;
    },
    does(p) {
      const yes = p === passed || selects(p);
      passed = undefined;
      return yes;
    },
  };
}

/** The trap/syslog part shared by `event` and `window` rules: which kind, and the matching observe. */
export function eventObserver(rule: RuleOfType<'event'> | RuleOfType<'window'>, path: string): Pick<RuleBehaviour, 'kinds' | 'observe' | 'mayObserve' | 'trapNames' | 'maxSeverity'> {
  if (rule.trap && rule.syslog) throw new AlertRuleError(`${path}: a rule matches traps or syslog messages, not both`, { path });
  if (rule.trap) {
    const selects = selectorPair(compileTrapSelector(rule.trap, `${path}.trap`));
    return {
      kinds: ['snmp.trap'],
      trapNames: trapNamesWanted(rule.trap),
      mayObserve: (event) => event.kind === 'snmp.trap' && selects.may(event.payload),
      observe(event: SondeEvent, out: ObservationSink) {
        if (event.kind === 'snmp.trap' && selects.does(event.payload)) out(trapLabels(event.payload, rule.by), true, undefined);
      },
    };
  }
  if (rule.syslog) {
    const selects = selectorPair(compileSyslogSelector(rule.syslog, `${path}.syslog`));
    return {
      kinds: ['syslog.message'],
      ...(rule.syslog.maxSeverity === undefined ? {} : { maxSeverity: rule.syslog.maxSeverity }),
      mayObserve: (event) => event.kind === 'syslog.message' && selects.may(event.payload),
      observe(event: SondeEvent, out: ObservationSink) {
        if (event.kind === 'syslog.message' && selects.does(event.payload)) out(syslogLabels(event.payload, rule.by), true, event.payload.severity);
      },
    };
  }
  if (rule.type === 'window') {
    // any event of the kind that `match`/`condition` selected
    return { kinds: [rule.kind], observe: (_event, out) => out(NO_LABELS, true, undefined) };
  }
  throw new AlertRuleError(`${path}: an event rule needs \`trap:\` or \`syslog:\``, { path });
}

/** `type: event`: a matching trap or syslog message fires at once and clears `resolve_after` later. */
export const eventRule: RuleBehaviourFactory<'event'> = (rule, _cel, path) => ({
  ...eventObserver(rule, path),
  flappable: false,
  resolveAfterMs: rule.resolve_after,
});

/** `type: window`: more than `count` matching events from one device within `window`. */
export const windowRule: RuleBehaviourFactory<'window'> = (rule, _cel, path) => {
  const observer = eventObserver(rule, path);
  if (observer.kinds[0] !== rule.kind) throw new AlertRuleError(`${path}.kind: ${rule.kind} does not fit the rule's ${rule.trap ? 'trap' : 'syslog'} matcher (${observer.kinds[0]})`, { path: `${path}.kind` });
  return { ...observer, flappable: false, window: { count: rule.count, windowMs: rule.window }, threshold: rule.count };
};

/** `type: absence` and `type: silence` observe nothing: the evaluator's timers decide. */
export const timerRule = (): RuleBehaviour => ({ kinds: [], flappable: false });
