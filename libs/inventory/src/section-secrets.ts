import type { ConfigIssue } from './config-error';
import { formatPath } from '@sonde/events/event-codec';
import { resolveSecretRef, type SecretContext } from './secret-ref';

/**
 * Keys that hold a secret wherever they appear: credentials' fields (parsed by their own schema)
 * and, in every other section, e.g. `store.clickhouse.password`, `bus.kafka.sasl.password`.
 */
export const SECRET_KEYS: ReadonlySet<string> = new Set(['community', 'authKey', 'privKey', 'token', 'password', 'secret', 'apiKey']);

/** `password`, `smtpPassword`, `botToken`, `clientSecret` … */
export function isSecretKey(key: PropertyKey): boolean {
  return typeof key === 'string' && (SECRET_KEYS.has(key) || /[a-z](Password|Token|Secret)$/.test(key));
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Resolves the secret references of a section (not `credentials`, whose schema resolves them into
 * `Secret`s): at a secret key, a mapping is `{ env: VAR }`, `{ file: path }` or `{ value: "..." }`
 * and becomes the string it names, so a section's schema declares `password: z.string()` and
 * still takes every documented form. A plain string stays as written.
 */
export function resolveSectionSecrets(value: unknown, ctx: SecretContext, path: (string | number)[], issues: ConfigIssue[]): unknown {
  if (Array.isArray(value)) return value.map((item, i) => resolveSectionSecrets(item, ctx, [...path, i], issues));
  if (!isMapping(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (isSecretKey(key) && isMapping(v)) {
      const resolved = resolveSecretRef(v, ctx);
      if ('secret' in resolved) out[key] = resolved.secret.reveal();
      else {
        issues.push({ path: formatPath([...path, key]), message: resolved.problem });
        out[key] = v;
      }
    } else out[key] = resolveSectionSecrets(v, ctx, [...path, key], issues);
  }
  return out;
}
