import type { EventKind } from '@sonde/events/event-kind';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { CompiledRule } from './compiled-rule';
import type { CompiledInhibitRule } from './rule-compiler';
import { RuleSelection } from './rule-selection';

/** The loaded rules, indexed for the hot path: by event kind, by id; timer rules apart. */
export interface RuleSet {
  rules: readonly CompiledRule[];
  byId: ReadonlyMap<string, CompiledRule>;
  byKind: ReadonlyMap<EventKind, readonly CompiledRule[]>;
  /** The rules of `event.kind` that can concern it, in rule order (RuleSelection). */
  select(event: SondeEvent): readonly CompiledRule[];
  absence: readonly CompiledRule[];
  silence: readonly CompiledRule[];
  inhibitRules: readonly CompiledInhibitRule[];
  /** Where the rules came from (for the reload answer and the log). */
  sources: readonly string[];
}

export function indexRules(compiled: readonly CompiledRule[], inhibitRules: readonly CompiledInhibitRule[], sources: readonly string[]): RuleSet {
  // each set numbers its own copies: a rule compiled once may sit in two sets (tests, reload)
  const rules = compiled.map((r, slot) => ({ ...r, slot }));
  const byKind = new Map<EventKind, CompiledRule[]>();
  for (const rule of rules) {
    for (const kind of rule.behaviour.kinds) {
      const list = byKind.get(kind);
      if (list) list.push(rule);
      else byKind.set(kind, [rule]);
    }
  }
  const selection = new RuleSelection(byKind);
  return {
    rules,
    byId: new Map(rules.map((r) => [r.id, r])),
    byKind,
    select: (event) => selection.select(event),
    absence: rules.filter((r) => r.config.type === 'absence'),
    silence: rules.filter((r) => r.config.type === 'silence'),
    inhibitRules,
    sources,
  };
}
