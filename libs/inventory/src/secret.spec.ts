import { inspect } from 'node:util';
import pino from 'pino';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { Secret } from './secret';

const SECRETS = ['public-ro-9f2', 'authpass-7c1d', 'privpass-e4a0', 'tok-5b6c-8d9e', 'pw-0a1b2c3d'];

function loaded() {
  return loadConfig({
    text: `credentials:
  ro: { type: snmp-community, community: { env: RO } }
  v3: { type: snmp-usm, user: monitor, authProtocol: sha, authKey: { value: ${SECRETS[1]} }, privProtocol: aes, privKey: { value: ${SECRETS[2]} } }
  hook: { type: token, token: { value: ${SECRETS[3]} } }
  ch: { type: basic, username: sonde, password: { value: ${SECRETS[4]} } }
`,
    env: { RO: SECRETS[0] },
  });
}

describe('Secret', () => {
  it('reveals its value only on request', () => {
    const s = new Secret('x-secret');
    expect(s.reveal()).toBe('x-secret');
    expect(String(s)).toBe('[redacted]');
    expect(`${s}`).toBe('[redacted]');
    expect(JSON.stringify({ s })).toBe('{"s":"[redacted]"}');
    expect(inspect(s)).toBe('[redacted]');
    expect(Object.keys(s)).toEqual([]);
  });

  it('never shows a credential secret in JSON.stringify, util.inspect or pino output', () => {
    const config = loaded();
    const lines: string[] = [];
    const logger = pino({ base: null }, { write: (l: string) => void lines.push(l) });
    logger.info({ config }, 'loaded');
    logger.info({ credential: config.credentials.v3 }, 'using');
    const outputs = [JSON.stringify(config), inspect(config, { depth: 10, showHidden: true }), lines.join(''), String(Object.values(config.credentials))];
    for (const out of outputs) for (const secret of SECRETS) expect(out).not.toContain(secret);
    expect(lines[1]).toContain('"authKey":"[redacted]"');
  });

  it('never shows a secret in a ConfigError', () => {
    let message = '';
    try {
      loadConfig({
        text: `credentials:
  a: { type: snmp-usm, user: u, authProtocol: sha, authKey: { value: ${SECRETS[1]}x }, privKey: { value: short7 }, securityLevel: noAuthNoPriv }
  b: { type: token, token: { value: 123456789 } }
  c: { type: snmp-community, community: ${SECRETS[0]} }
  d: { type: basic, username: u, password: [${SECRETS[4]}] }
`,
        env: {},
      });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      message = err.message + JSON.stringify(err.context);
    }
    expect(message).not.toBe('');
    for (const secret of [...SECRETS, 'short7', '123456789']) expect(message).not.toContain(secret);
  });
});
