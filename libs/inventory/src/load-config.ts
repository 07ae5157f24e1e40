import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatPath } from '@sonde/events/event-codec';
import YAML from 'yaml';
import { ConfigError, type ConfigIssue } from './config-error';
import { describeIssue, describeUnknownKeys } from './config-issue-format';
import { checkReferences } from './config-references';
import { describeValue } from './describe-value';
import type { DeviceSectionSchemas } from './device';
import { applyEnvOverrides, envOrigin } from './env-overrides';
import { mergeDefaults } from './merge-defaults';
import { CORE_SECTIONS, rootSchema, type SectionSchemas, type SondeConfig } from './sonde-config';
import { findUnknownKeys } from './unknown-keys';
import { resolveSectionSecrets } from './section-secrets';

export interface LoadConfigOptions<S extends SectionSchemas, D extends DeviceSectionSchemas> {
  /** The YAML file. Default: $SONDE_CONFIG_FILE; neither = no file, all defaults (plus env). */
  file?: string;
  /** The file's text, already read (tests, `sonde validate -`); `file` then only names it. */
  text?: string;
  /** Environment for SONDE_* overrides and `{ env: VAR }` secrets. Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Top-level sections beside the core ones, keyed as in the file: `{ bus: busConfigSchema }`. */
  sections?: S;
  /** Per-device settings sections: `{ icmp: icmpDeviceSchema }` allows `devices[].icmp`. */
  deviceSections?: D;
  /** Raw config under the file's (see mergeDefaults): e.g. `sonde up`'s embedded adapters and lab devices. */
  defaults?: Readonly<Record<string, unknown>>;
  /** Dotted paths of the lists in `defaults` that the file's lists are appended to; every other list in the file replaces the default's. */
  joinLists?: readonly string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function linePos(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

/** Reads YAML text into a plain mapping; syntax errors come back with line:column. */
function parseYaml(text: string): { raw: Record<string, unknown> } | { issues: ConfigIssue[] } {
  // logLevel 'error': problems become ConfigErrors, not process warnings on stderr
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true, logLevel: 'error' });
  const complexKeys: ConfigIssue[] = [];
  YAML.visit(doc, {
    Pair(_key, pair) {
      if (YAML.isCollection(pair.key)) {
        const pos = pair.key.range ? linePos(text, pair.key.range[0]) : undefined;
        complexKeys.push({ path: '', message: 'a mapping key must be a plain value, not a list or mapping', ...(pos ?? {}) });
      }
    },
  });
  if (!doc.errors.length && complexKeys.length) return { issues: complexKeys };
  if (doc.errors.length) {
    return {
      issues: doc.errors.map((e) => ({
        path: '',
        message: (e.message.split('\n')[0] ?? e.code).replace(/ at line \d+, column \d+:?$/, ''),
        line: e.linePos?.[0].line ?? 1,
        col: e.linePos?.[0].col ?? 1,
      })),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { issues: [{ path: '', message: `cannot read YAML: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  if (value === null || value === undefined) return { raw: {} };
  if (!isRecord(value)) return { issues: [{ path: '', message: `expected a mapping of sections at the top level, got ${describeValue(value)}` }] };
  return { raw: value };
}

/**
 * Loads the one config file, applies SONDE_* env overrides, validates everything against the
 * core schema plus the caller's sections, resolves secrets, and checks references. Throws one
 * ConfigError listing every problem. The only place in Sonde that reads process.env.
 */
export function loadConfig<S extends SectionSchemas = Record<never, never>, D extends DeviceSectionSchemas = Record<never, never>>(
  options: LoadConfigOptions<S, D> = {},
): SondeConfig<S, D> {
  const env = options.env ?? process.env;
  const sections = options.sections ?? ({} as S);
  const deviceSections = options.deviceSections ?? ({} as D);
  for (const key of Object.keys(sections)) {
    if ((CORE_SECTIONS as readonly string[]).includes(key)) throw new TypeError(`loadConfig: section "${key}" is a core section of libs/inventory`);
  }
  const file = options.file ?? (env.SONDE_CONFIG_FILE || undefined);
  const source = file ?? (options.text === undefined ? '(no config file)' : '(config text)');

  let raw: Record<string, unknown> = {};
  let text = options.text;
  if (text === undefined && file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new ConfigError(source, [{ path: '', message: `cannot read the config file (${code})` }]);
    }
  }
  if (text !== undefined) {
    const parsed = parseYaml(text);
    if ('issues' in parsed) throw new ConfigError(source, parsed.issues);
    raw = parsed.raw;
  }

  if (options.defaults) raw = mergeDefaults(options.defaults, raw, options.joinLists);
  const rootKeys = [...CORE_SECTIONS, ...Object.keys(sections)];
  const overrides = applyEnvOverrides(raw, env, rootKeys);
  const issues: ConfigIssue[] = [...overrides.issues];
  const withOrigin = (issue: ConfigIssue): ConfigIssue => {
    const origin = envOrigin(overrides.origins, issue.path);
    return origin ? { ...issue, message: `${issue.message} (from ${origin})` } : issue;
  };

  const ctx = { env, baseDir: file ? path.dirname(path.resolve(file)) : process.cwd() };
  const schema = rootSchema(ctx, sections, deviceSections);
  const secretIssues: ConfigIssue[] = [];
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    resolved[key] = (CORE_SECTIONS as readonly string[]).includes(key) ? value : resolveSectionSecrets(value, ctx, [key], secretIssues);
  }
  for (const issue of secretIssues) issues.push(withOrigin(issue));
  const secretPaths = new Set(secretIssues.map((i) => i.path));
  const result = schema.safeParse(resolved);
  // Every section is strict, however its schema was written: unknown keys are found by walking
  // the schema here, once for all sections, with "did you mean …" for near misses.
  const unknown = new Map(findUnknownKeys(schema, raw).map((u) => [formatPath(u.path), u]));
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = formatPath(issue.path);
      // a secret reference that did not resolve is reported once, by what was wrong with it
      if (secretPaths.has(path)) continue;
      const found = issue.code === 'unrecognized_keys' ? unknown.get(path) : undefined;
      if (found) unknown.delete(path);
      issues.push(withOrigin({ path, message: found ? describeUnknownKeys(found) : describeIssue(issue, raw, rootKeys) }));
    }
  }
  for (const [path, found] of unknown) issues.push(withOrigin({ path, message: describeUnknownKeys(found) }));
  const reported = new Set(issues.map((i) => i.path));
  for (const issue of checkReferences(raw)) if (!reported.has(issue.path)) issues.push(withOrigin(issue));

  if (issues.length || !result.success) throw new ConfigError(source, issues);
  const config = result.data as unknown as SondeConfig<S, D>;
  for (const device of config.devices) device.site ??= config.site;
  return config;
}
