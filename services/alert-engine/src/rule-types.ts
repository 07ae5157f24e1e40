import type { RuleBehaviourFactory } from './compiled-rule';
import type { AlertRuleType } from './rule-config';
import { eventRule, timerRule, windowRule } from './rule-types/event-rule';
import { stateRule } from './rule-types/state-rule';
import { thresholdRule } from './rule-types/threshold-rule';

/** Every rule type, keyed by its `type:` (style rule 6). */
export const RULE_TYPES: { [T in AlertRuleType]: RuleBehaviourFactory<T> } = {
  threshold: thresholdRule,
  event: eventRule,
  state: stateRule,
  absence: timerRule,
  silence: timerRule,
  window: windowRule,
};
