import type { SondeEvent } from '@sonde/events/sonde-event';
import type { z } from 'zod';
import { AlertRuleError } from './alert-rule-error';
import { compileTemplate } from './annotation-template';
import type { CelEngine } from './cel-engine';
import type { CompiledRule, RuleBehaviourFactory } from './compiled-rule';
import { compileFieldMatcher, type ValueTest } from './field-matcher';
import { alertRuleSchema, inhibitRuleSchema, type AlertRuleConfig, type InhibitRuleConfig } from './rule-config';
import { compileMatcher, parseMatchers, type CompiledMatcher } from './notify/matcher';
import { RULE_TYPES } from './rule-types';

/** zod issues as `path: message` lines under the rule's origin (file, index, id). */
export function describeIssues(origin: string, error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const path = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      return `${origin}${path}: ${i.message}`;
    })
    .join('\n');
}

/** A `match:` field's reader, resolved once at load (a payload path is split once, not per event). */
function fieldReader(field: string): (event: SondeEvent, tags: readonly string[]) => unknown {
  switch (field) {
    case 'device':
      return (event) => event.device.id;
    case 'device.name':
      return (event) => event.device.name;
    case 'device.address':
      return (event) => event.device.address;
    case 'site':
      return (event) => event.site;
    case 'collector':
      return (event) => event.collector;
    case 'tags':
      return (_event, tags) => tags;
  }
  const parts = field.slice('payload.'.length).split('.');
  return (event) => {
    let v: unknown = event.payload;
    for (const part of parts) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string, unknown>)[part];
    }
    return v;
  };
}

/**
 * Validates and compiles one rule: schema, matchers, CEL, templates — every error names
 * `origin` (file + rule index + id) and the path inside the rule. Nothing is compiled later.
 */
export function compileRule(raw: unknown, origin: string, cel: CelEngine): CompiledRule {
  const parsed = alertRuleSchema.safeParse(raw);
  const id = raw !== null && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : undefined;
  const where = id ? `${origin} (rule ${id})` : origin;
  if (!parsed.success) throw new AlertRuleError(describeIssues(where, parsed.error), { path: origin });
  const rule: AlertRuleConfig = parsed.data;
  const factory = RULE_TYPES[rule.type] as RuleBehaviourFactory<AlertRuleConfig['type']>;
  const behaviour = factory(rule, cel, where);
  const matchers: [(event: SondeEvent, tags: readonly string[]) => unknown, ValueTest][] = Object.entries(rule.match).map(([field, m]) => [fieldReader(field), compileFieldMatcher(m, `${where}.match.${field}`)]);
  const condition = rule.condition === undefined ? undefined : cel.compile(rule.condition, `${where}.condition`);
  const templates = Object.entries(rule.annotations).map(([name, source]) => {
    try {
      return [name, compileTemplate(source, `${where}.annotations.${name}`)] as const;
    } catch (err) {
      throw new AlertRuleError((err as Error).message, { path: `${where}.annotations.${name}` });
    }
  });
  return {
    id: rule.id,
    name: rule.name ?? rule.id,
    severity: rule.severity,
    config: rule,
    origin: where,
    behaviour,
    forMs: rule.for,
    keepFiringForMs: rule.keep_firing_for,
    slot: -1,
    selects(event, tags) {
      for (const [read, test] of matchers) if (!test(read(event, tags))) return false;
      if (!condition) return true;
      // a condition that throws (missing key, wrong type) is the caller's run-time rule error
      return condition({ payload: event.payload, device: event.device, site: event.site, collector: event.collector, tags, kind: event.kind }) === true;
    },
    annotations(ctx) {
      const out: Record<string, string> = {};
      for (const [name, render] of templates) out[name] = render(ctx);
      return out;
    },
  };
}

/** An inhibit rule with its matchers compiled (Alertmanager's inhibit_rules semantics). */
export interface CompiledInhibitRule {
  id: string;
  config: InhibitRuleConfig;
  source: CompiledMatcher[];
  target: CompiledMatcher[];
  equal: readonly string[];
}

export function compileInhibitRule(raw: unknown, origin: string, index: number): CompiledInhibitRule {
  const parsed = inhibitRuleSchema.safeParse(raw);
  if (!parsed.success) throw new AlertRuleError(describeIssues(origin, parsed.error), { path: origin });
  const rule = parsed.data;
  const matchers = (list: readonly string[], key: string) =>
    list.flatMap((m, i) => {
      try {
        return parseMatchers(m).map(compileMatcher);
      } catch (err) {
        throw new AlertRuleError(`${origin}.${key}[${i}]: ${(err as Error).message}`, { path: `${origin}.${key}[${i}]` });
      }
    });
  return { id: rule.id ?? `inhibit-${index}`, config: rule, source: matchers(rule.source_matchers, 'source_matchers'), target: matchers(rule.target_matchers, 'target_matchers'), equal: rule.equal };
}
