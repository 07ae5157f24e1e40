import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { testBusSection } from './test-sections';

/**
 * Data-driven: each folder under test/cases holds a config.yaml (plus env.json when the case
 * needs environment) and the exact ConfigError message expected. A new case adds no code.
 * Paths in messages are shown relative to the case folder.
 */
const CASES = path.resolve(__dirname, '../test/cases');
const cases = readdirSync(CASES).filter((name) => existsSync(path.join(CASES, name, 'config.yaml')));

describe('loadConfig rejects bad configs with the exact message', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(20));

  it.each(cases)('%s', (name) => {
    const dir = path.join(CASES, name);
    const envFile = path.join(dir, 'env.json');
    const env = existsSync(envFile) ? (JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>) : {};
    const expected = readFileSync(path.join(dir, 'expected-error.txt'), 'utf8').trimEnd();
    let error: unknown;
    try {
      loadConfig({ file: path.join(dir, 'config.yaml'), env, sections: { bus: testBusSection } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message.replaceAll(`${dir}/`, '');
    expect(message).toBe(expected);
    expect((error as ConfigError).code).toBe('config');
    expect((error as ConfigError).issues.length).toBe(expected.split('\n').length);
  });
});
