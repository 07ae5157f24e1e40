import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';

/** A section declaring its secret as a plain string, as libs/store does for clickhouse.password. */
const store = z.strictObject({
  clickhouse: z.strictObject({ username: z.string().default('default'), password: z.string().default('') }).prefault({}),
  notifiers: z.array(z.strictObject({ name: z.string(), smtpPassword: z.string().optional() })).default([]),
});

function load(text: string, env: Record<string, string> = {}, file?: string) {
  return loadConfig({ text, env, sections: { store }, ...(file ? { file } : {}) });
}

describe('secret references in any section', () => {
  it('takes { env }, { file } and { value } where a section documents a secret, and a plain string', () => {
    expect(load('store: { clickhouse: { password: { env: CH_PASSWORD } } }', { CH_PASSWORD: 's3cret' }).store.clickhouse.password).toBe('s3cret');
    const dir = mkdtempSync(path.join(tmpdir(), 'sonde-secret-'));
    writeFileSync(path.join(dir, 'ch.pw'), 'from-file\n');
    expect(load('store: { clickhouse: { password: { file: ch.pw } } }', {}, path.join(dir, 'sonde.yaml')).store.clickhouse.password).toBe('from-file');
    expect(load('store: { notifiers: [{ name: m, smtpPassword: { value: v } }] }').store.notifiers[0]?.smtpPassword).toBe('v');
    expect(load('store: { clickhouse: { password: plain } }').store.clickhouse.password).toBe('plain');
  });

  it('names the variable that is missing, never the secret, and reports it once', () => {
    let error: unknown;
    try {
      load('store: { clickhouse: { password: { env: CH_PASSWORD } } }');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe('(config text): store.clickhouse.password: environment variable CH_PASSWORD is not set');
    expect(() => load('store: { clickhouse: { password: { vlaue: hunter2 } } }')).toThrow('store.clickhouse.password: expected { env: VAR }, { file: path } or { value: "..." }');
    expect(() => load('store: { clickhouse: { password: 12345678 } }')).toThrow(/^(?!.*12345678)/s);
  });
});
