import { sondeEventSchema, type SondeEvent } from '@sonde/events/sonde-event';
import { formatPath } from '@sonde/events/event-codec';
import { AlertEvaluator } from './alert-evaluator';
import type { AlertStateEvent } from './alert-transition-sink';
import type { RuleSet } from './rule-set';

export interface RulesTestOptions {
  /** Fake-clock step between events (timers: for, keep_firing_for, absence, silence). */
  tickMs: number;
  /** How long the clock runs on after the last event. */
  afterMs: number;
  tagsOf?: (deviceId: string) => readonly string[];
  parentsOf?: (deviceId: string) => readonly string[];
}

export interface RulesTestResult {
  transitions: AlertStateEvent[];
  /** Lines that are not events (`events.jsonl:3: payload.lossPct: …`). */
  badLines: string[];
  /** Rules that threw at run time (`rule x on device y: …`). */
  ruleErrors: string[];
}

/** Parses JSONL events, naming the line and field of anything that is not a valid event. */
export function parseEventLines(text: string, file: string): { events: SondeEvent[]; badLines: string[] } {
  const events: SondeEvent[] = [];
  const badLines: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      badLines.push(`${file}:${i + 1}: not JSON: ${(err as Error).message}`);
      return;
    }
    const parsed = sondeEventSchema.safeParse(raw);
    if (parsed.success) events.push(parsed.data);
    else badLines.push(`${file}:${i + 1}: ${parsed.error.issues.map((is) => `${formatPath(is.path)}: ${is.message}`).join('; ')}`);
  });
  return { events, badLines };
}

/**
 * `sonde rules test` (issue 9 item 13, like `promtool test rules`): recorded events run through
 * the rules on a fake clock that is the events' own time, ticking every `tickMs` in between and
 * for `afterMs` after the last one. Deterministic: the same files print the same transitions.
 */
export function runRulesTest(rules: RuleSet, events: readonly SondeEvent[], options: RulesTestOptions): RulesTestResult {
  const ruleErrors: string[] = [];
  const sorted = [...events].sort((a, b) => a.ts - b.ts);
  const start = sorted[0]?.ts ?? 0;
  const evaluator = new AlertEvaluator(rules, {
    collector: 'sonde-rules-test',
    tagsOf: options.tagsOf ?? (() => []),
    parentsOf: options.parentsOf ?? (() => []),
    onRuleError: (rule, device, err) => ruleErrors.push(`rule ${rule.id} (${rule.origin}) on device ${device}: ${err instanceof Error ? err.message : String(err)}`),
    startedAt: start,
  });
  const transitions: AlertStateEvent[] = [];
  let clock = start;
  const tickUntil = (t: number) => {
    while (clock + options.tickMs <= t) {
      clock += options.tickMs;
      transitions.push(...evaluator.tick(clock));
    }
  };
  for (const event of sorted) {
    tickUntil(event.ts);
    transitions.push(...evaluator.evaluate([event]));
  }
  tickUntil(clock + options.afterMs);
  return { transitions, badLines: [], ruleErrors };
}

/** One line per transition: time (UTC), transition, alert, device, labels beyond the standard ones, value. */
export function formatTransition(t: AlertStateEvent): string {
  const p = t.payload;
  const extra = Object.entries(p.labels)
    .filter(([k]) => !['alertname', 'rule', 'device', 'site', 'severity'].includes(k))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  const muted = p.inhibitedBy.length > 0 ? ` inhibited_by=${p.inhibitedBy.join(',')}` : '';
  return `${new Date(t.ts).toISOString()}  ${p.transition.padEnd(14)} ${p.ruleName} ${t.device.id}${extra ? ` {${extra}}` : ''}${p.value !== undefined ? ` value=${p.value}` : ''}${muted}`;
}
