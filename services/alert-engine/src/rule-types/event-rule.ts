import { AlertRuleError } from '../alert-rule-error';
import type { ObservationSink, RuleBehaviour, RuleBehaviourFactory } from '../compiled-rule';
import type { RuleOfType } from '../rule-config';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { compileSyslogSelector, compileTrapSelector, syslogLabels, trapLabels } from './event-selectors';

/** The trap/syslog part shared by `event` and `window` rules: which kind, and the matching observe. */
export function eventObserver(rule: RuleOfType<'event'> | RuleOfType<'window'>, path: string): Pick<RuleBehaviour, 'kinds' | 'observe' | 'mayObserve'> {
  if (rule.trap && rule.syslog) throw new AlertRuleError(`${path}: a rule matches traps or syslog messages, not both`, { path });
  if (rule.trap) {
    const selects = compileTrapSelector(rule.trap, `${path}.trap`);
    return {
      kinds: ['snmp.trap'],
      mayObserve: (event) => event.kind === 'snmp.trap' && selects(event.payload),
      observe(event: SondeEvent, out: ObservationSink) {
        if (event.kind === 'snmp.trap' && selects(event.payload)) out({ labels: trapLabels(event.payload, rule.by), active: true });
      },
    };
  }
  if (rule.syslog) {
    const selects = compileSyslogSelector(rule.syslog, `${path}.syslog`);
    return {
      kinds: ['syslog.message'],
      mayObserve: (event) => event.kind === 'syslog.message' && selects(event.payload),
      observe(event: SondeEvent, out: ObservationSink) {
        if (event.kind === 'syslog.message' && selects(event.payload)) out({ labels: syslogLabels(event.payload, rule.by), active: true, value: event.payload.severity });
      },
    };
  }
  if (rule.type === 'window') {
    // any event of the kind that `match`/`condition` selected
    return { kinds: [rule.kind], observe: (_event, out) => out({ labels: {}, active: true }) };
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
