import fc from 'fast-check';
import YAML from 'yaml';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { testBusSection } from './test-sections';

/** loadConfig on any text and any SONDE_* environment returns a config or throws ConfigError — nothing else. */
function check(text: string, env: Record<string, string> = {}): void {
  try {
    loadConfig({ file: 'fuzz.yaml', text, env, sections: { bus: testBusSection } });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    expect(err.issues.length).toBeGreaterThan(0);
    for (const line of err.message.split('\n')) expect(line.startsWith('fuzz.yaml')).toBe(true);
  }
}

const TOKENS = [
  'site: ', 'instance: ', 'sites:', 'devices:', 'credentials:', 'bus:', 'type: ', 'snmp: ', 'credential: ', 'version: v3',
  '- ', '{', '}', '[', ']', ': ', ', ', '\n', '  ', '    ', 'id: r1', 'address: 10.0.0.1', 'address: 10.0.0.300', '"', "'",
  '#', '? ', '|', '>', '~', 'null', '0x1F', '1e400', '-0', '&a ', '*a', '!!binary ', '!!set ', '!!map ', '!foo ', '<<: ', '%YAML 1.2\n',
  '---\n', '...\n', 'snmp-usm', 'snmp-community', 'token', 'basic', '{env: X}', '{file: /dev/null}', '{file: .}', '{value: v}',
  'authKey: ', 'privKey: ', 'engineId: ', '__proto__: ', 'constructor: ', 'toString: ', 'tags: ', '\t', '\u0000', '\uFEFF', 'é',
];

const sondeEnvKey = fc
  .array(fc.constantFrom('BUS', 'KAFKA', 'BROKERS', 'TYPE', 'SITE', 'DEVICES', '0', '1', 'ADDRESS', 'CREDENTIALS', 'X', 'CONSTRUCTOR', 'PROTO', 'SNMP', ''), {
    minLength: 1,
    maxLength: 4,
  })
  .map((parts) => `SONDE_${parts.join('__')}`);
const envArb = fc.dictionary(sondeEnvKey, fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('[a', '{x: 1}', '["a:1"]', '1', 'true', 'null', '- x', 'a: b')), {
  maxKeys: 4,
});

const leaf = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('10.0.0.1', 'v2c', 'v3', 'snmp-usm', 'x'));
const configLike = fc.record(
  {
    site: leaf,
    instance: leaf,
    sites: fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.constant({}), fc.anything({ maxDepth: 1 }))),
    credentials: fc.dictionary(
      fc.string({ maxLength: 6 }),
      fc.record(
        {
          type: fc.constantFrom('snmp-community', 'snmp-usm', 'token', 'basic', 'nope'),
          user: leaf,
          community: fc.oneof(leaf, fc.record({ env: leaf }), fc.record({ value: leaf }), fc.record({ file: leaf })),
          authProtocol: fc.oneof(leaf, fc.constantFrom('sha', 'md5')),
          authKey: fc.oneof(leaf, fc.record({ value: fc.string() })),
          privProtocol: fc.oneof(leaf, fc.constantFrom('aes', 'des')),
          privKey: fc.oneof(leaf, fc.record({ value: fc.string() })),
          securityLevel: fc.oneof(leaf, fc.constantFrom('authPriv', 'noAuthNoPriv')),
          engineId: leaf,
        },
        { requiredKeys: [] },
      ),
    ),
    devices: fc.array(
      fc.record(
        {
          id: leaf,
          address: fc.oneof(leaf, fc.ipV4(), fc.ipV6(), fc.domain()),
          site: leaf,
          tags: fc.oneof(leaf, fc.array(leaf)),
          snmp: fc.oneof(leaf, fc.record({ version: leaf, port: leaf, credential: leaf }, { requiredKeys: [] })),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 4 },
    ),
    bus: fc.anything({ maxDepth: 2 }),
    extra: fc.anything({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);

function stringify(value: unknown): string | undefined {
  try {
    return YAML.stringify(value);
  } catch {
    return undefined;
  }
}

describe('loadConfig never throws anything but ConfigError', () => {
  it('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (text) => check(text)), { numRuns: 1500 });
  });

  it('on YAML-ish token soup with arbitrary SONDE_* environment', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }), envArb, (tokens, env) => check(tokens.join(''), env)), { numRuns: 2000 });
  });

  it('on any YAML document', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), (value) => {
        const text = stringify(value);
        if (text !== undefined) check(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('on config-shaped documents with wrong values', () => {
    fc.assert(
      fc.property(configLike, envArb, (value, env) => {
        const text = stringify(value);
        if (text !== undefined) check(text, env);
      }),
      { numRuns: 400 },
    );
  });
});
