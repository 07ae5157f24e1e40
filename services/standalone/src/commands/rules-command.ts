import { readFileSync } from 'node:fs';
import { parseDuration } from '@sonde/alert-engine/notify/duration';
import { CEL_ENGINES } from '@sonde/alert-engine/cel-engine';
import { formatTransition, parseEventLines, runRulesTest } from '@sonde/alert-engine/rules-test-runner';
import { loadRuleSet } from '@sonde/alert-engine/rule-set-loader';
import type { EngineReloadResult } from '@sonde/alert-engine/alert-engine-reloader';
import { alertApi, alertApiUrl } from './alert-api-target';

export interface RulesTestOptions {
  events: string;
  tick: string;
  after: string;
  cel: string;
  json?: boolean;
}

/** `sonde rules test RULES.yaml --events EVENTS.jsonl`: exit 0 = rules ran, 1 = a rule or an event line is wrong, 2 = bad arguments. */
export async function runRulesTestCommand(file: string, options: RulesTestOptions): Promise<number> {
  const fail = (code: number, message: string) => {
    process.stderr.write(`sonde rules test: ${message}\n`);
    return code;
  };
  const tickMs = parseDuration(options.tick);
  const afterMs = parseDuration(options.after);
  if (tickMs === null || tickMs <= 0) return fail(2, `--tick: expected a duration such as 10s, got "${options.tick}"`);
  if (afterMs === null) return fail(2, `--after: expected a duration such as 15m, got "${options.after}"`);
  if (options.cel !== 'cel-js' && options.cel !== 'bufbuild') return fail(2, `--cel: cel-js or bufbuild, not "${options.cel}"`);
  let rules;
  try {
    rules = loadRuleSet({ rules: [], inhibitRules: [], ruleFiles: [file], defaultRules: false }, { cel: CEL_ENGINES[options.cel] });
  } catch (err) {
    return fail(1, `invalid rules\n${err instanceof Error ? err.message : String(err)}`);
  }
  let text: string;
  try {
    text = readFileSync(options.events, 'utf8');
  } catch (err) {
    return fail(2, `--events ${options.events}: ${(err as Error).message}`);
  }
  const { events, badLines } = parseEventLines(text, options.events);
  const result = runRulesTest(rules, events, { tickMs, afterMs });
  for (const t of result.transitions) process.stdout.write(`${options.json ? JSON.stringify(t) : formatTransition(t)}\n`);
  for (const line of [...badLines, ...result.ruleErrors]) process.stderr.write(`sonde rules test: ${line}\n`);
  process.stderr.write(`sonde rules test: ${rules.rules.length} rules, ${events.length} events, ${result.transitions.length} transitions\n`);
  return badLines.length > 0 || result.ruleErrors.length > 0 ? 1 : 0;
}

/** `sonde rules reload`: asks the running `sonde up` (or --url, a deployed alert-engine) to reload its rules and notification config. */
export async function runRulesReload(options: { data: string; url?: string }): Promise<number> {
  const base = alertApiUrl('rules reload', options);
  if (!base) return 1;
  const res = await alertApi<EngineReloadResult>('rules reload', `${base}/api/rules/reload`, 'POST');
  if (!res.ok) return 1;
  process.stdout.write(`rules reloaded: ${res.value?.rules ?? 0} rules from ${(res.value?.sources ?? []).join(', ')}\n`);
  const notify = res.value?.notify;
  if (notify && 'skipped' in notify) process.stdout.write(`notification config unchanged: ${notify.skipped}\n`);
  else if (notify?.ok) {
    process.stdout.write(`notification config reloaded from ${notify.file}: ${notify.receivers} receivers, ${notify.routes} routes\n`);
    if (notify.restartRequired.length > 0) process.stdout.write(`notification config: ${notify.restartRequired.join(', ')} changed but need a restart\n`);
  }
  return 0;
}
