import { createEvent } from '@sonde/events/create-event';
import type { SondeEvent } from '@sonde/events/sonde-event';
import fc from 'fast-check';
import { AlertEvaluator } from './alert-evaluator';
import type { AlertStateEvent } from './alert-transition-sink';
import { CEL_ENGINES } from './cel-engine';
import type { CompiledRule } from './compiled-rule';
import type { RuleSet } from './rule-set';
import { loadRuleSet } from './rule-set-loader';

const T0 = 1_800_000_000_000;
const origin = { site: 'lab', collector: 'c1' };
const dev = (id: string) => ({ id, name: id, address: '10.0.0.1' });

const op = fc.constantFrom('>', '>=', '<', '<=', '==', '!=');
const threshold = fc.integer({ min: 0, max: 6 });
const forDuration = fc.constantFrom('0s', '20s');
const match = fc.option(fc.constantFrom({ device: 'd1' }, { device: { regex: 'd[01]' } }, { tags: 'core' }), { nil: undefined });
const trapName = fc.constantFrom('linkDown', 'linkUp', 'IF-MIB::linkDown', 'coldStart', '1.3.6.1.6.3.1.1.5.3');
const trapSpec = fc.record({ name: fc.oneof(trapName, fc.array(trapName, { minLength: 1, maxLength: 2 })), varbinds: fc.constantFrom({}, { ifIndex: '1' }, { ifIndex: { regex: '[12]' } }) });
const syslogSpec = fc.record({ maxSeverity: fc.option(fc.integer({ min: 0, max: 7 }), { nil: undefined }), message: fc.option(fc.constantFrom('down', 'up|fail'), { nil: undefined }) });
const by = fc.option(fc.constantFrom(['ifIndex'], ['appName'], ['ifIndex', 'ifName']), { nil: undefined });

/** Every rule type, over the metric names, traps and severities the events below use. */
const rule = fc.oneof(
  fc.record({ type: fc.constant('threshold'), metric: fc.constantFrom('ifInErrors', 'ifHCInOctets'), value: fc.constant('rate'), op, threshold, for: forDuration, by, match }),
  fc.record({ type: fc.constant('threshold'), metric: fc.constantFrom('hrProcessorLoad', 'm1'), op, threshold, for: forDuration, sample: fc.constantFrom({}, { ifIndex: '2' }), match }),
  fc.record({ type: fc.constant('threshold'), expr: fc.constantFrom('samples.ifInErrors_rate + samples.m1', 'samples.hrProcessorLoad * 1.0'), op, threshold, by, for: forDuration }),
  fc.record({ type: fc.constant('threshold'), kind: fc.constant('icmp.probe'), metric: fc.constantFrom('rttAvgMs', 'lossPct'), op, threshold, for: forDuration, condition: fc.option(fc.constantFrom('payload.lossPct < 50.0', 'device.id != "d2"'), { nil: undefined }) }),
  fc.record({ type: fc.constant('state'), state: fc.constantFrom('icmp-unreachable', 'interface-down'), for: forDuration, match }),
  fc.record({ type: fc.constant('state'), state: fc.constant('poll-failing'), cycles: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ type: fc.constant('event'), trap: trapSpec, by, resolve_after: fc.constant('30s'), match }),
  fc.record({ type: fc.constant('event'), syslog: syslogSpec, by, resolve_after: fc.constant('30s'), condition: fc.option(fc.constant('payload.facility == 23'), { nil: undefined }) }),
  fc.record({ type: fc.constant('window'), kind: fc.constant('snmp.trap'), trap: trapSpec, count: fc.integer({ min: 1, max: 3 }), window: fc.constant('1m') }),
  fc.record({ type: fc.constant('window'), kind: fc.constant('syslog.message'), syslog: syslogSpec, count: fc.integer({ min: 1, max: 3 }), window: fc.constant('1m') }),
);

const value = fc.integer({ min: 0, max: 8 });
const device = fc.constantFrom('d0', 'd1', 'd2');
const rowNames = fc.subarray(['ifOperStatus', 'ifAdminStatus', 'ifHCInOctets_rate', 'ifInErrors_rate', 'm1']);

type Step = { tick: number } | { event: (ts: number) => SondeEvent };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ tick: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ d: device, rows: fc.array(fc.record({ names: rowNames, values: fc.array(value, { minLength: 5, maxLength: 5 }) }), { maxLength: 2 }), cpu: fc.option(value, { nil: undefined }) }).map(({ d, rows, cpu }) => ({
    event: (ts: number) => {
      const samples = rows.flatMap((r, i) => {
        const labels = { ifIndex: String(i + 1), ifName: `eth${i + 1}` };
        return r.names.map((name, j) => ({ name, labels, value: name === 'ifOperStatus' ? ((r.values[j] ?? 0) % 3) + 1 : name === 'ifAdminStatus' ? 1 : (r.values[j] ?? 0), unit: '', type: 'gauge' as const }));
      });
      if (cpu !== undefined) samples.push({ name: 'hrProcessorLoad', labels: { hrDeviceIndex: '1', ifName: 'x' } as never, value: cpu, unit: '%', type: 'gauge' });
      return createEvent('snmp.metric', origin, dev(d), { group: 'g', samples }, ts);
    },
  })),
  fc.record({ d: device, ok: fc.boolean() }).map(({ d, ok }) => ({ event: (ts: number) => createEvent('snmp.metric', origin, dev(d), { group: 'snmp_poll', samples: [{ name: 'snmp_poll_reachable', labels: {}, value: ok ? 1 : 0, unit: '', type: 'status' }] }, ts) })),
  fc.record({ d: device, down: fc.boolean(), rtt: value, loss: value }).map(({ d, down, rtt, loss }) => ({
    event: (ts: number) =>
      createEvent('icmp.probe', origin, dev(d), { target: '10.0.0.1', family: 4, sent: 3, received: 3, lossPct: loss, rttMinMs: rtt, rttAvgMs: rtt, rttMaxMs: rtt, rttStddevMs: 0, errors: {}, reachability: down ? 'down' : 'up' }, ts),
  })),
  fc.record({ d: device, name: fc.constantFrom('IF-MIB::linkDown', 'IF-MIB::linkUp', 'SNMPv2-MIB::coldStart', undefined), ifIndex: fc.constantFrom('1', '2', '3') }).map(({ d, name, ifIndex }) => ({
    event: (ts: number) =>
      createEvent('snmp.trap', origin, dev(d), {
        version: 'v2c', pdu: 'trap', trapOid: name === 'IF-MIB::linkDown' ? '1.3.6.1.6.3.1.1.5.3' : '1.3.6.1.6.3.1.1.5.4', ...(name ? { trapName: name } : {}), source: { address: '10.0.0.1', port: 162 }, security: {},
        varbinds: [{ oid: `1.3.6.1.2.1.2.2.1.1.${ifIndex}`, name: `IF-MIB::ifIndex.${ifIndex}`, type: 'Integer', value: ifIndex }],
      }, ts),
  })),
  fc.record({ d: device, severity: fc.integer({ min: 0, max: 7 }), facility: fc.constantFrom(3, 23), message: fc.constantFrom('link down', 'link up', 'fan fail') }).map(({ d, severity, facility, message }) => ({
    event: (ts: number) =>
      createEvent('syslog.message', origin, dev(d), { facility, severity, format: 'rfc5424', appName: 'app', message, structuredData: {}, fields: {}, timeSource: 'message', transport: 'udp', source: { address: '10.0.0.1', port: 514 }, truncated: false }, ts),
  })),
);

/** The reference: every rule of the event's kind runs, without its cheap pre-tests (`mayObserve`, the threshold gates). */
function everyRule(set: RuleSet): RuleSet {
  const rules: CompiledRule[] = set.rules.map((r) => ({ ...r, behaviour: { ...r.behaviour, mayObserve: undefined, gate: undefined } }));
  const byKind = new Map<SondeEvent['kind'], CompiledRule[]>();
  for (const r of rules) for (const k of r.behaviour.kinds) byKind.set(k, [...(byKind.get(k) ?? []), r]);
  return { ...set, rules, byId: new Map(rules.map((r) => [r.id, r])), byKind, select: (e) => byKind.get(e.kind) ?? [] };
}

function run(set: RuleSet, steps: readonly Step[]): string[] {
  const evaluator = new AlertEvaluator(set, { collector: 'test', tagsOf: (id) => (id === 'd1' ? ['core'] : []), parentsOf: () => [], onRuleError: () => undefined, startedAt: T0 });
  const out: string[] = [];
  const record = (ts: readonly AlertStateEvent[]) => {
    for (const t of ts) out.push(JSON.stringify({ ...t, id: undefined }));
  };
  let now = T0;
  let batch: SondeEvent[] = [];
  for (const s of steps) {
    if ('tick' in s) {
      record(evaluator.evaluate(batch));
      batch = [];
      now += s.tick * 1000;
      record(evaluator.tick(now));
    } else {
      now += 1000;
      batch.push(s.event(now));
    }
  }
  record(evaluator.evaluate(batch));
  record(evaluator.tick(now + 3_600_000));
  out.push(JSON.stringify(evaluator.activeCounts()), JSON.stringify(['d0', 'd1', 'd2'].map((d) => Object.fromEntries(evaluator.deviceState(d)?.series ?? []))));
  return out;
}

describe('RuleSelection', () => {
  it('gives exactly the transitions and series of running every rule of the kind on every event', () => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 12 }), fc.array(step, { minLength: 1, maxLength: 60 }), (raw, steps) => {
        const sources = { rules: raw.map((r, i) => ({ id: `r${i}`, ...r })), inhibitRules: [], ruleFiles: [], defaultRules: false };
        const indexed = loadRuleSet(sources, { cel: CEL_ENGINES['cel-js'] });
        const reference = everyRule(loadRuleSet(sources, { cel: CEL_ENGINES['cel-js'] }));
        expect(run(indexed, steps)).toEqual(run(reference, steps));
      }),
      { numRuns: 500 },
    );
  });

  it('shows an event only the rules its sample names, trap name and severity can concern, in rule order', () => {
    const set = loadRuleSet(
      {
        rules: [
          { id: 'cpu', type: 'threshold', metric: 'hrProcessorLoad', threshold: 90 },
          { id: 'down', type: 'state', state: 'interface-down' },
          { id: 'util', type: 'threshold', expr: 'samples.ifHCInOctets_rate * 8.0', threshold: 50 },
          { id: 'any-metric', type: 'threshold', expr: 'labels.size() * 1.0', threshold: 50 },
          { id: 'link-down', type: 'event', trap: { name: 'linkDown' } },
          { id: 'by-oid', type: 'event', trap: { name: '1.3.6.1.6.3.1.1.5.3' } },
          { id: 'cold', type: 'event', trap: { name: 'coldStart' } },
          { id: 'any-trap', type: 'window', kind: 'snmp.trap', count: 5, window: '1m' },
          { id: 'crit', type: 'event', syslog: { maxSeverity: 2 } },
          { id: 'warn', type: 'event', syslog: { maxSeverity: 4 } },
          { id: 'all-syslog', type: 'event', syslog: { message: 'x' } },
        ],
        inhibitRules: [],
        ruleFiles: [],
        defaultRules: false,
      },
      { cel: CEL_ENGINES['cel-js'] },
    );
    const ids = (e: SondeEvent) => set.select(e).map((r) => r.id);
    const metric = (...names: string[]) => createEvent('snmp.metric', origin, dev('d0'), { group: 'g', samples: names.map((name) => ({ name, labels: {}, value: 1, unit: '', type: 'gauge' as const })) }, T0);
    expect(ids(metric('hrProcessorLoad'))).toEqual(['cpu', 'any-metric']);
    expect(ids(metric('ifOperStatus', 'ifAdminStatus', 'ifHCInOctets_rate'))).toEqual(['down', 'util', 'any-metric']);
    const trap = (trapOid: string, trapName?: string) =>
      createEvent('snmp.trap', origin, dev('d0'), { version: 'v2c', pdu: 'trap', trapOid, ...(trapName ? { trapName } : {}), source: { address: '10.0.0.1', port: 162 }, security: {}, varbinds: [] }, T0);
    expect(ids(trap('1.3.6.1.6.3.1.1.5.3', 'IF-MIB::linkDown'))).toEqual(['link-down', 'by-oid', 'any-trap']);
    expect(ids(trap('1.3.6.1.6.3.1.1.5.3'))).toEqual(['by-oid', 'any-trap']);
    expect(ids(trap('1.3.6.1.6.3.1.1.5.1', 'SNMPv2-MIB::coldStart'))).toEqual(['cold', 'any-trap']);
    const syslog = (severity: number) =>
      createEvent('syslog.message', origin, dev('d0'), { facility: 1, severity, format: 'rfc5424', message: 'x', structuredData: {}, fields: {}, timeSource: 'message', transport: 'udp', source: { address: '10.0.0.1', port: 514 }, truncated: false }, T0);
    expect(ids(syslog(1))).toEqual(['crit', 'warn', 'all-syslog']);
    expect(ids(syslog(3))).toEqual(['warn', 'all-syslog']);
    expect(ids(syslog(7))).toEqual(['all-syslog']);
  });
});
