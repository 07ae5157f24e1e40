import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { Secret } from './secret';
import { CORE_SECTIONS } from './sonde-config';
import { testBusSection } from './test-sections';

const sections = { bus: testBusSection };

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives all defaults with no file', () => {
    const config = loadConfig({ env: {}, sections });
    expect(config).toMatchObject({ site: 'default', sites: {}, credentials: {}, devices: [], bus: { type: 'memory', kafka: { brokers: [], acks: -1 } } });
    expect(config.instance.length).toBeGreaterThan(0);
  });

  it('treats an empty file and an empty section as defaults', () => {
    expect(loadConfig({ file: 'x.yaml', text: '', env: {}, sections }).bus.type).toBe('memory');
    expect(loadConfig({ file: 'x.yaml', text: 'bus:\n', env: {}, sections }).bus.type).toBe('memory');
  });

  it('loads devices, defaults their site and snmp settings, and resolves secrets from env, file and value', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sonde-inv-'));
    writeFileSync(path.join(dir, 'priv.key'), 'privpass-from-file\n');
    writeFileSync(
      path.join(dir, 'sonde.yaml'),
      `site: par1
instance: poller-0
sites: { par1: { description: Paris }, ams1: {} }
credentials:
  lab-v2: { type: snmp-community, community: { env: LAB_COMMUNITY } }
  core-v3:
    type: snmp-usm
    user: monitor
    authProtocol: sha256
    authKey: { value: authpass-literal }
    privProtocol: aes
    privKey: { file: priv.key }
    engineId: "0x80:00:1F:88:80:E9:63:00:00:D6:1F:F4:49"
  ch: { type: basic, username: sonde, password: { value: s3cret-pw } }
devices:
  - { id: r1, name: Router 1, address: 10.0.0.1, tags: [core], snmp: { credential: lab-v2 } }
  - { id: r2, address: "2001:db8::2", site: ams1, snmp: { version: v3, port: 1161, credential: core-v3 } }
  - { id: sw1, address: sw1.example.net }
`,
    );
    const config = loadConfig({ file: path.join(dir, 'sonde.yaml'), env: { LAB_COMMUNITY: 'public-ro' }, sections });
    expect(config.devices.map((d) => [d.id, d.site, d.snmp?.version, d.snmp?.port])).toEqual([
      ['r1', 'par1', 'v2c', 161],
      ['r2', 'ams1', 'v3', 1161],
      ['sw1', 'par1', undefined, undefined],
    ]);
    const lab = config.credentials['lab-v2'];
    const v3 = config.credentials['core-v3'];
    expect(lab?.type === 'snmp-community' && lab.community.reveal()).toBe('public-ro');
    if (v3?.type !== 'snmp-usm') throw new Error('expected snmp-usm');
    expect(v3.securityLevel).toBe('authPriv');
    expect(v3.authKey?.reveal()).toBe('authpass-literal');
    expect(v3.privKey?.reveal()).toBe('privpass-from-file');
    expect(v3.privKey).toBeInstanceOf(Secret);
    expect(v3.engineId).toBe('80001f8880e9630000d61ff449');
  });

  it.each([
    ['{ type: snmp-usm, user: u }', 'noAuthNoPriv'],
    ['{ type: snmp-usm, user: u, authProtocol: md5, authKey: { value: 12345678x } }', 'authNoPriv'],
    ['{ type: snmp-usm, user: u, securityLevel: authNoPriv, authProtocol: sha512, authKey: { value: 12345678x } }', 'authNoPriv'],
    ['{ type: snmp-usm, user: u, authProtocol: sha, authKey: { value: 12345678x }, privProtocol: aes256r, privKey: { value: 12345678y } }', 'authPriv'],
  ])('derives the USM security level of %s', (credential, level) => {
    const config = loadConfig({ text: `credentials: { u: ${credential} }`, env: {} });
    expect(config.credentials.u).toMatchObject({ securityLevel: level });
  });

  it('reads $SONDE_CONFIG_FILE when no file is given, and names it in errors', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sonde-inv-'));
    const file = path.join(dir, 'from-env.yaml');
    writeFileSync(file, 'site: ams1\n');
    expect(loadConfig({ env: { SONDE_CONFIG_FILE: file } }).site).toBe('ams1');
    writeFileSync(file, 'site: 12\n');
    expect(errorOf(() => loadConfig({ env: { SONDE_CONFIG_FILE: file } })).message).toBe(`${file}: site: expected a string, got 12`);
  });

  it('names a missing file', () => {
    expect(errorOf(() => loadConfig({ file: '/nonexistent/sonde.yaml', env: {} })).message).toBe(
      '/nonexistent/sonde.yaml: cannot read the config file (ENOENT)',
    );
  });

  it('validates per-device settings sections passed by the caller', () => {
    const icmp = z.strictObject({ enabled: z.boolean().default(true), count: z.number().int().min(1).default(3) });
    const text = 'devices:\n  - { id: a, address: 10.0.0.1, icmp: { count: 5 } }\n  - { id: b, address: 10.0.0.2 }\n';
    const config = loadConfig({ text, env: {}, deviceSections: { icmp } });
    expect(config.devices[0]?.icmp).toEqual({ enabled: true, count: 5 });
    expect(config.devices[1]?.icmp).toBeUndefined();
    expect(errorOf(() => loadConfig({ file: 's.yaml', text: 'devices:\n  - { id: a, address: 10.0.0.1, icmp: { count: 0 } }', env: {}, deviceSections: { icmp } })).message).toBe(
      's.yaml: devices[0].icmp.count: expected a number >= 1, got 0',
    );
  });

  it('refuses a caller section that shadows a core one', () => {
    expect(() => loadConfig({ env: {}, sections: { devices: z.object({}) } })).toThrow(TypeError);
  });
});

describe('environment overrides', () => {
  it('sets nested keys: __ separates levels, SCREAMING_SNAKE becomes camelCase, values are YAML', () => {
    const config = loadConfig({
      file: 'sonde.yaml',
      text: 'bus: { type: memory }\n',
      env: {
        SONDE_BUS__TYPE: 'kafka',
        SONDE_BUS__KAFKA__BROKERS: '["a:9092", "b:9092"]',
        SONDE_BUS__KAFKA__CLIENT_ID: 'poller-0',
        SONDE_BUS__KAFKA__ACKS: '1',
        SONDE_BUS__KAFKA__IDEMPOTENT: 'false',
        SONDE_SITE: 'par1',
      },
      sections,
    });
    expect(config.site).toBe('par1');
    expect(config.bus).toEqual({ type: 'kafka', kafka: { brokers: ['a:9092', 'b:9092'], clientId: 'poller-0', acks: 1, idempotent: false } });
  });

  it('composes a whole-section flow mapping with a more specific variable', () => {
    const config = loadConfig({ env: { SONDE_BUS: '{type: kafka, kafka: {brokers: [x:1]}}', SONDE_BUS__KAFKA__CLIENT_ID: 'c' }, sections });
    expect(config.bus.kafka).toMatchObject({ brokers: ['x:1'], clientId: 'c' });
  });

  it('reaches existing keys whatever their spelling, and list items by index', () => {
    const text = 'credentials:\n  lab-v2: { type: snmp-community, community: { value: public } }\ndevices:\n  - { id: r1, address: 10.0.0.1 }\n';
    const config = loadConfig({
      text,
      env: { SONDE_CREDENTIALS__LAB_V2__COMMUNITY: '{env: RO}', RO: 'from-env', SONDE_DEVICES__0__ADDRESS: '10.9.9.9' },
    });
    const lab = config.credentials['lab-v2'];
    expect(lab?.type === 'snmp-community' && lab.community.reveal()).toBe('from-env');
    expect(config.devices[0]?.address).toBe('10.9.9.9');
  });

  it('keeps a value YAML would read as a block mapping as the plain string', () => {
    expect(loadConfig({ env: { SONDE_INSTANCE: 'poller: 0' } }).instance).toBe('poller: 0');
  });

  it('ignores SONDE_ variables that are not configuration', () => {
    expect(() => loadConfig({ env: { SONDE_TEST_SERVICES: 'redis', SONDE_NODE_HOME: '/x', SONDE_KEEP_SERVICES: '1' }, sections })).not.toThrow();
  });

  it('names the variable when its value is wrong', () => {
    expect(errorOf(() => loadConfig({ file: 'sonde.yaml', text: '', env: { SONDE_BUS__KAFKA__ACKS: 'all' }, sections })).message).toBe(
      'sonde.yaml: bus.kafka.acks: expected a number, got "all" (from SONDE_BUS__KAFKA__ACKS)',
    );
    expect(errorOf(() => loadConfig({ file: 'sonde.yaml', text: 'site: lab\n', env: { SONDE_SITE__NAME: 'x' } })).message).toBe(
      'sonde.yaml: SONDE_SITE__NAME: cannot set site.name: site is "lab", not a mapping',
    );
  });
});

describe('sonde.example.yaml', () => {
  it('loads, with the sections other libs own accepted as they are', () => {
    const file = path.resolve(__dirname, '../../../sonde.example.yaml');
    const dir = mkdtempSync(path.join(tmpdir(), 'sonde-example-'));
    // the example's file secret is relative to the config file: copy it next to one
    const copy = path.join(dir, 'sonde.yaml');
    writeFileSync(copy, readFileSync(file, 'utf8'));
    mkdirSync(path.join(dir, 'secrets'));
    writeFileSync(path.join(dir, 'secrets/core-v3.priv'), 'priv-key-0123\n');
    const text = readFileSync(copy, 'utf8');
    const others = Object.keys(YAML.parse(text) as Record<string, unknown>).filter((k) => !(CORE_SECTIONS as readonly string[]).includes(k));
    const config = loadConfig({
      file: copy,
      env: {
        SONDE_SECRET_LAB_COMMUNITY: 'c0mmunity',
        SONDE_SECRET_CORE_AUTH: 'auth-key-0123',
        SONDE_SECRET_WEBHOOK_TOKEN: 'tok',
        SONDE_SECRET_CLICKHOUSE_PASSWORD: 'pw',
      },
      sections: Object.fromEntries(others.map((k) => [k, z.unknown()])),
    });
    expect(config.devices.map((d) => d.id)).toEqual(['core-router-1', 'access-sw-12', 'ams-edge-1', 'printer-3']);
    expect(config.credentials['core-v3']).toMatchObject({ securityLevel: 'authPriv' });
  });
});
