import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { AlertRuleError } from './alert-rule-error';
import type { CelEngine } from './cel-engine';
import type { CompiledRule } from './compiled-rule';
import { DEFAULT_RULES } from './default-rules';
import { compileInhibitRule, compileRule, describeIssues, type CompiledInhibitRule } from './rule-compiler';
import { ruleFileSchema } from './rule-config';
import { indexRules, type RuleSet } from './rule-set';

export interface RuleSources {
  /** `alertEngine.rules` */
  rules: readonly unknown[];
  /** `alertEngine.inhibit_rules` */
  inhibitRules: readonly unknown[];
  ruleFiles: readonly string[];
  defaultRules: boolean;
}

export interface RuleSetLoaderOptions {
  cel: CelEngine;
  readFile?: (path: string) => string;
}

/**
 * Loads every rule source, validates and compiles all of it, and returns the indexed set — or
 * throws one AlertRuleError listing every problem (file, rule index and id, path; CEL position),
 * so a bad reload says everything that is wrong at once and changes nothing.
 */
export function loadRuleSet(sources: RuleSources, options: RuleSetLoaderOptions): RuleSet {
  const readFile = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const errors: string[] = [];
  const rules: CompiledRule[] = [];
  const inhibit: CompiledInhibitRule[] = [];
  const origins = new Map<string, string>();
  const names: string[] = [];

  const addRules = (list: readonly unknown[], prefix: string) => {
    list.forEach((raw, i) => {
      try {
        const rule = compileRule(raw, `${prefix}[${i}]`, options.cel);
        const other = origins.get(rule.id);
        if (other) throw new AlertRuleError(`${rule.origin}: duplicate rule id "${rule.id}" (also ${other})`, { path: rule.origin });
        origins.set(rule.id, rule.origin);
        rules.push(rule);
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    });
  };
  const addInhibit = (list: readonly unknown[], prefix: string) => {
    list.forEach((raw, i) => {
      try {
        inhibit.push(compileInhibitRule(raw, `${prefix}[${i}]`, inhibit.length));
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    });
  };

  if (sources.defaultRules) {
    addRules(DEFAULT_RULES, 'default rules');
    names.push('default rules');
  }
  addRules(sources.rules, 'alertEngine.rules');
  addInhibit(sources.inhibitRules, 'alertEngine.inhibit_rules');
  if (sources.rules.length > 0 || sources.inhibitRules.length > 0) names.push('alertEngine.rules');
  for (const file of sources.ruleFiles) {
    let doc: unknown;
    try {
      doc = YAML.parse(readFile(file), { prettyErrors: true });
    } catch (err) {
      errors.push(`${file}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    const parsed = ruleFileSchema.safeParse(doc ?? {});
    if (!parsed.success) {
      errors.push(describeIssues(file, parsed.error));
      continue;
    }
    addRules(parsed.data.rules, `${file}: rules`);
    addInhibit(parsed.data.inhibit_rules, `${file}: inhibit_rules`);
    names.push(file);
  }
  if (errors.length > 0) throw new AlertRuleError(errors.join('\n'), { errors: errors.length });
  return indexRules(rules, inhibit, names);
}
