import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import YAML from 'yaml';
import { AlertRuleError } from './alert-rule-error';
import { CEL_ENGINES } from './cel-engine';
import { DEFAULT_RULES } from './default-rules';
import { RuleReloader, type ReloadResult } from './rule-reloader';
import { loadRuleSet } from './rule-set-loader';
import { alertEngineConfigSchema } from './alert-engine.config';
import type { RuleSet } from './rule-set';

const cel = CEL_ENGINES['cel-js'];
const load = (files: Record<string, string>, rules: unknown[] = []) =>
  loadRuleSet({ rules, inhibitRules: [], ruleFiles: Object.keys(files), defaultRules: false }, { cel, readFile: (p) => files[p] ?? '' });
const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(AlertRuleError);
    return (err as Error).message;
  }
  throw new Error('expected an AlertRuleError');
};

describe('loadRuleSet', () => {
  it('loads the default rules (every type) and indexes them by kind', () => {
    const set = loadRuleSet({ rules: [], inhibitRules: [], ruleFiles: [], defaultRules: true }, { cel });
    expect(set.rules).toHaveLength(DEFAULT_RULES.length);
    expect(new Set(set.rules.map((r) => r.config.type))).toEqual(new Set(['threshold', 'event', 'state', 'window', 'silence']));
    expect(set.byKind.get('snmp.trap')?.map((r) => r.id)).toEqual(['trap-link-down', 'trap-link-down-storm', 'trap-cold-start', 'trap-authentication-failure']);
  });

  it('names the file, the rule index and id, and the path of every error at once', () => {
    const message = errorOf(() =>
      load({
        'rules/a.yaml': YAML.stringify({ rules: [{ id: 'cpu', type: 'threshold', metric: 'hrProcessorLoad', threshold: 'high' }, { id: 'x', type: 'state', state: 'nope' }, { id: 'dup', type: 'state', state: 'interface-down' }] }),
        'rules/b.yaml': 'rules: [ { id: dup, type: event, trap: { name: linkDown } } ]\n',
      }),
    );
    expect(message).toContain('rules/a.yaml: rules[0] (rule cpu).threshold:');
    expect(message).toContain('rules/a.yaml: rules[1] (rule x).state:');
    expect(message).toContain('rules/b.yaml: rules[0] (rule dup): duplicate rule id "dup" (also rules/a.yaml: rules[2] (rule dup))');
  });

  it('gives the position of a CEL compile error, with either library', () => {
    for (const name of ['cel-js', 'bufbuild'] as const) {
      const message = errorOf(() =>
        loadRuleSet({ rules: [{ id: 'c', type: 'state', state: 'icmp-unreachable', condition: 'payload.lossPct > > 3' }], inhibitRules: [], ruleFiles: [], defaultRules: false }, { cel: CEL_ENGINES[name] }),
      );
      expect(message).toMatch(/^alertEngine\.rules\[0\] \(rule c\)\.condition: CEL does not compile at 1:\d+: /);
    }
  });

  it('refuses a YAML syntax error, a bad regex, a bad CIDR, an unknown template placeholder', () => {
    expect(errorOf(() => load({ 'r.yaml': 'rules: [ { id: a' }))).toMatch(/^r\.yaml: /);
    expect(errorOf(() => load({}, [{ id: 'a', type: 'state', state: 'icmp-unreachable', match: { device: { regex: '(' } } }]))).toContain('alertEngine.rules[0] (rule a).match.device: invalid regex');
    expect(errorOf(() => load({}, [{ id: 'a', type: 'state', state: 'icmp-unreachable', match: { 'device.address': { cidr: '10.0.0.0/33' } } }]))).toContain('invalid CIDR');
    expect(errorOf(() => load({}, [{ id: 'a', type: 'state', state: 'icmp-unreachable', annotations: { summary: '{{nope}}' } }]))).toContain('annotations.summary: unknown placeholder {{nope}}');
  });

  it('never throws anything but AlertRuleError on arbitrary YAML documents and rule objects (fast-check)', () => {
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('id', 'type', 'state', 'metric', 'threshold', 'for', 'match', 'trap', 'syslog', 'condition', 'expr', 'kind', 'count', 'window', 'rules', 'name'), tie('v'), { maxKeys: 5 })),
    })).v;
    const ruleish = fc.record({
      id: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
      type: fc.constantFrom('threshold', 'event', 'state', 'absence', 'silence', 'window', 'bogus'),
      state: fc.constantFrom('icmp-unreachable', 'interface-down', 'poll-failing'),
      metric: fc.string({ maxLength: 8 }),
      threshold: fc.oneof(fc.double(), fc.string({ maxLength: 3 })),
      for: fc.oneof(fc.constantFrom('30s', '1h30m', '5x', ''), fc.integer()),
      condition: fc.string({ maxLength: 20 }),
      kind: fc.constantFrom('snmp.trap', 'icmp.probe', 'alert.state'),
      trap: fc.record({ name: fc.string({ maxLength: 6 }) }),
      count: fc.integer(),
      window: fc.constantFrom('10m', 'x'),
    }, { requiredKeys: ['id', 'type'] });
    fc.assert(
      fc.property(fc.oneof(value, fc.array(ruleish, { maxLength: 3 }).map((rules) => ({ rules }))), fc.constantFrom<'cel-js' | 'bufbuild'>('cel-js', 'bufbuild'), (doc, engine) => {
        const text = YAML.stringify(doc);
        try {
          const set = loadRuleSet({ rules: [], inhibitRules: [], ruleFiles: ['f.yaml'], defaultRules: false }, { cel: CEL_ENGINES[engine], readFile: () => text });
          expect(set.rules.length).toBeGreaterThanOrEqual(0);
        } catch (err) {
          expect(err).toBeInstanceOf(AlertRuleError);
          expect((err as Error).message).toMatch(/f\.yaml/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('CEL conditions compiled once agree between both libraries on random numbers (fast-check)', () => {
    const a = CEL_ENGINES['cel-js'].compile('payload.lossPct > 50.0 || (payload.sent - payload.received) >= 2.0', 'p');
    const b = CEL_ENGINES.bufbuild.compile('payload.lossPct > 50.0 || (payload.sent - payload.received) >= 2.0', 'p');
    fc.assert(
      fc.property(fc.double({ min: 0, max: 100, noNaN: true }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), (loss, sent, received) => {
        const payload = { lossPct: loss, sent, received };
        const expected = loss > 50 || sent - received >= 2;
        expect(a({ payload })).toBe(expected);
        expect(b({ payload })).toBe(expected);
      }),
    );
  });
});

describe('the README', () => {
  it('shows only rules that load (every ```yaml block with alertEngine rules)', () => {
    const readme = readFileSync(path.join(__dirname, '../README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => YAML.parse(m[1] ?? '') as { alertEngine?: { rules?: unknown[]; inhibit_rules?: unknown[] } });
    const withRules = blocks.filter((b) => (b?.alertEngine?.rules?.length ?? 0) + (b?.alertEngine?.inhibit_rules?.length ?? 0) > 0);
    expect(withRules.length).toBeGreaterThanOrEqual(6);
    for (const b of withRules) {
      const set = loadRuleSet({ rules: b.alertEngine?.rules ?? [], inhibitRules: b.alertEngine?.inhibit_rules ?? [], ruleFiles: [], defaultRules: false }, { cel });
      expect(set.rules.length + set.inhibitRules.length).toBeGreaterThan(0);
    }
  });
});

describe('RuleReloader', () => {
  it('keeps the old rules and says why when a reload is invalid; applies a valid one', async () => {
    let file = 'rules: [ { id: a, type: state, state: icmp-unreachable } ]';
    const applied: RuleSet[] = [];
    const results: ReloadResult[] = [];
    const reloader = new RuleReloader({
      config: alertEngineConfigSchema.parse({ defaultRules: false, ruleFiles: ['site.yaml'] }),
      apply: async (rules) => void applied.push(rules),
      onResult: (r) => results.push(r),
      readFile: () => file,
    });
    expect(reloader.initial().rules.map((r) => r.id)).toEqual(['a']);
    file = 'rules: [ { id: a, type: state, state: nope } ]';
    const bad = await reloader.reload('test');
    expect(bad).toMatchObject({ ok: false });
    expect(!bad.ok && bad.error).toContain('site.yaml: rules[0] (rule a).state');
    expect(applied).toEqual([]);
    file = 'rules: [ { id: a, type: state, state: icmp-unreachable }, { id: b, type: state, state: interface-down } ]';
    expect(await reloader.reload('test')).toEqual({ ok: true, rules: 2, sources: ['site.yaml'] });
    expect(applied.map((s) => s.rules.length)).toEqual([2]);
    expect(results.map((r) => r.ok)).toEqual([false, true]);
  });

  it('reloads when a watched rule file is replaced on disk (as editors and ConfigMaps do)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sonde-rules-watch-'));
    const file = path.join(dir, 'site.yaml');
    writeFileSync(file, 'rules: [ { id: a, type: state, state: icmp-unreachable } ]\n');
    const applied: number[] = [];
    const reloader = new RuleReloader({
      config: alertEngineConfigSchema.parse({ defaultRules: false, ruleFiles: [file] }),
      apply: async (rules) => void applied.push(rules.rules.length),
      onResult: () => undefined,
    });
    reloader.initial();
    reloader.watchFiles();
    try {
      writeFileSync(`${file}.tmp`, 'rules: [ { id: a, type: state, state: icmp-unreachable }, { id: b, type: state, state: interface-down } ]\n');
      renameSync(`${file}.tmp`, file);
      const deadline = Date.now() + 10_000;
      while (!applied.includes(2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(applied).toContain(2);
    } finally {
      reloader.close();
    }
  });
});
