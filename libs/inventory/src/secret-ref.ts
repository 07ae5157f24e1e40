import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Secret } from './secret';

/** Where secrets are looked up: the environment given to loadConfig and the config file's folder. */
export interface SecretContext {
  env: Readonly<Record<string, string | undefined>>;
  baseDir: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Mounted Kubernetes secrets and key files are small; refuse to slurp a device or a huge file. */
const MAX_SECRET_FILE_BYTES = 64 * 1024;
const SHAPE = 'expected { env: VAR }, { file: path } or { value: "..." }';

export type Resolved = { secret: Secret } | { problem: string };

function fromEnv(name: unknown, ctx: SecretContext): Resolved {
  if (typeof name !== 'string' || !ENV_NAME.test(name)) return { problem: 'expected { env: VAR } with VAR an environment variable name' };
  const value = ctx.env[name];
  if (value === undefined) return { problem: `environment variable ${name} is not set` };
  if (value === '') return { problem: `environment variable ${name} is empty` };
  return { secret: new Secret(value) };
}

function fromFile(file: unknown, ctx: SecretContext): Resolved {
  if (typeof file !== 'string' || file === '') return { problem: 'expected { file: path } with a non-empty path' };
  const full = path.resolve(ctx.baseDir, file);
  try {
    const stat = statSync(full);
    if (!stat.isFile()) return { problem: `secret file ${full} is not a regular file` };
    if (stat.size > MAX_SECRET_FILE_BYTES) return { problem: `secret file ${full} is larger than ${MAX_SECRET_FILE_BYTES} bytes` };
    // One trailing newline is the editor's or `echo`'s, not part of the secret.
    const value = readFileSync(full, 'utf8').replace(/\r?\n$/, '');
    if (value === '') return { problem: `secret file ${full} is empty` };
    return { secret: new Secret(value) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return { problem: `cannot read secret file ${full} (${code})` };
  }
}

function fromValue(value: unknown): Resolved {
  if (typeof value !== 'string') return { problem: 'expected { value: "..." } with a string value (quote it)' };
  if (value === '') return { problem: 'expected a non-empty { value: "..." }' };
  return { secret: new Secret(value) };
}

/**
 * A secret field: `{ env: VAR }`, `{ file: path }` (relative to the config file) or
 * `{ value: "..." }`, resolved at load into a `Secret`. Problems name the variable or file,
 * never the secret.
 */
export function secretRefSchema(ctx: SecretContext) {
  return z.unknown().transform((raw, tctx): Secret => {
    const resolved = resolveSecretRef(raw, ctx);
    if ('secret' in resolved) return resolved.secret;
    tctx.addIssue({ code: 'custom', message: resolved.problem });
    return z.NEVER;
  });
}

/** `{ env: VAR }`, `{ file: path }` or `{ value: "..." }` → the secret, or what is wrong with it. */
export function resolveSecretRef(raw: unknown, ctx: SecretContext): Resolved {
  const keys = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? Object.keys(raw) : [];
  const ref = raw as Record<string, unknown>;
  if (keys.length !== 1) return { problem: SHAPE };
  if (keys[0] === 'env') return fromEnv(ref.env, ctx);
  if (keys[0] === 'file') return fromFile(ref.file, ctx);
  if (keys[0] === 'value') return fromValue(ref.value);
  return { problem: SHAPE };
}

export type SecretRefSchema = ReturnType<typeof secretRefSchema>;
