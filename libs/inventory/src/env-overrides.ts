import { formatPath } from '@sonde/events/event-codec';
import YAML from 'yaml';
import type { ConfigIssue } from './config-error';
import { describeValue } from './describe-value';

export const ENV_PREFIX = 'SONDE_';

export interface EnvOverrides {
  issues: ConfigIssue[];
  /** Config path (as in error messages) → the variable that set it. */
  origins: Map<string, string>;
}

/** `SYSLOG_RECEIVER` → `syslogReceiver`. */
export function screamingToCamel(segment: string): string {
  return segment.toLowerCase().replace(/_+([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** Keys compare without case, `_` or `-`, so `LAB_V2` reaches an existing `lab-v2` credential. */
function loose(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * An env value is a YAML scalar or flow collection: `9092` is a number, `true` a boolean,
 * `["a:9092","b:9092"]` a list, `{type: kafka}` a mapping. Anything YAML would read as a block
 * mapping or sequence (`a: b`, `- x`) is taken as the plain string it most likely is.
 */
export function parseEnvValue(text: string): { value: unknown } | { problem: string } {
  if (text.trim() === '') return { value: '' };
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first) return { problem: `not a valid YAML value (${first.message.split('\n')[0]})` };
  const node = doc.contents;
  if ((YAML.isMap(node) || YAML.isSeq(node)) && !node.flow) return { value: text };
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }) };
  } catch (err) {
    return { problem: `not a valid YAML value (${err instanceof Error ? err.message : String(err)})` };
  }
}

function resolveKey(container: Record<string, unknown> | unknown[], segment: string): string | number | undefined {
  if (Array.isArray(container)) return /^[0-9]+$/.test(segment) && Number(segment) <= container.length ? Number(segment) : undefined;
  const existing = Object.keys(container).find((k) => loose(k) === loose(segment));
  return existing ?? screamingToCamel(segment);
}

/**
 * Applies `SONDE_<PATH>=<value>` variables to the parsed file, in place: `__` separates levels,
 * SCREAMING_SNAKE segments become camelCase, digits index lists (`SONDE_DEVICES__0__ADDRESS`).
 * Only variables whose first segment names a config section apply; the rest of the SONDE_
 * namespace (SONDE_CONFIG_FILE, SONDE_TEST_SERVICES …) is not configuration. Shorter paths apply
 * first, so `SONDE_BUS='{type: kafka}'` then `SONDE_BUS__KAFKA__CLIENT_ID=x` compose.
 */
export function applyEnvOverrides(
  raw: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
  rootKeys: readonly string[],
): EnvOverrides {
  const issues: ConfigIssue[] = [];
  const origins = new Map<string, string>();
  const vars = Object.keys(env)
    .filter((name) => name.startsWith(ENV_PREFIX) && env[name] !== undefined)
    .map((name) => ({ name, segments: name.slice(ENV_PREFIX.length).split('__') }))
    .filter(({ segments }) => rootKeys.some((k) => loose(k) === loose(segments[0] ?? '')))
    .sort((a, b) => a.segments.length - b.segments.length || (a.name < b.name ? -1 : 1));

  for (const { name, segments } of vars) {
    const text = env[name] ?? '';
    if (segments.some((s) => s === '' || !/^[A-Za-z0-9_]+$/.test(s))) {
      issues.push({ path: name, message: 'malformed variable name: use SONDE_SECTION__KEY__SUBKEY' });
      continue;
    }
    const parsed = parseEnvValue(text);
    if ('problem' in parsed) {
      issues.push({ path: name, message: parsed.problem });
      continue;
    }
    let container: Record<string, unknown> | unknown[] = raw;
    const path: (string | number)[] = [];
    let failed = false;
    for (let i = 0; i < segments.length; i++) {
      const key = resolveKey(container, segments[i] ?? '');
      if (key === undefined) {
        issues.push({ path: name, message: `cannot set ${formatPath([...path, segments[i] ?? ''])}: ${formatPath(path)} is a list, expected an index up to ${(container as unknown[]).length}` });
        failed = true;
        break;
      }
      path.push(key);
      const slot = container as Record<string | number, unknown>;
      if (i === segments.length - 1) {
        slot[key] = parsed.value;
        break;
      }
      const own = Object.hasOwn(slot, key) ? slot[key] : undefined;
      if (own === undefined || own === null) slot[key] = {};
      else if (!isRecord(own) && !Array.isArray(own)) {
        issues.push({ path: name, message: `cannot set ${formatPath(segments.slice(0, i + 2).map(screamingToCamel))}: ${formatPath(path)} is ${describeValue(own)}, not a mapping` });
        failed = true;
        break;
      }
      container = slot[key] as Record<string, unknown> | unknown[];
    }
    if (!failed) origins.set(formatPath(path), name);
  }
  return { issues, origins };
}

/** The variable that set `path` or one of its parents, if any. */
export function envOrigin(origins: ReadonlyMap<string, string>, path: string): string | undefined {
  let best: string | undefined;
  let bestLength = -1;
  for (const [p, name] of origins) {
    const covers = path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`);
    if (covers && p.length > bestLength) {
      best = name;
      bestLength = p.length;
    }
  }
  return best;
}
