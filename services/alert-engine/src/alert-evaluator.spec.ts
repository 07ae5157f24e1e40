import { createEvent } from '@sonde/events/create-event';
import { decodeEvent, encodeEvent } from '@sonde/events/event-codec';
import { AlertEvaluator } from './alert-evaluator';
import type { AlertStateEvent } from './alert-transition-sink';
import { CEL_ENGINES } from './cel-engine';
import { decodeDeviceState, encodeDeviceState } from './device-alert-state';
import { loadRuleSet } from './rule-set-loader';

const T0 = 1_800_000_000_000;
const S = 1000;
const origin = { site: 'lab', collector: 'c1' };
const dev = (id: string) => ({ id, name: id, address: '127.0.1.1' });

const icmp = (device: string, ts: number, down: boolean) =>
  createEvent('icmp.probe', origin, dev(device), {
    target: '127.0.1.1', family: 4, sent: 3, received: down ? 0 : 3, lossPct: down ? 100 : 0,
    rttMinMs: down ? null : 1, rttAvgMs: down ? null : 1, rttMaxMs: down ? null : 1, rttStddevMs: down ? null : 0,
    errors: {}, reachability: down ? 'down' : 'up',
  }, ts);

const ifRow = (device: string, ts: number, ifIndex: number, oper: number, admin = 1) => {
  const labels = { ifIndex: String(ifIndex), ifName: `eth${ifIndex}` };
  return createEvent('snmp.metric', origin, dev(device), {
    group: 'interfaces',
    samples: [
      { name: 'ifAdminStatus', labels, value: admin, unit: '', type: 'status' },
      { name: 'ifOperStatus', labels, value: oper, unit: '', type: 'status' },
      { name: 'ifHCInOctets_rate', labels, value: 10, unit: 'By/s', type: 'rate' },
    ],
  }, ts);
};

const cpu = (device: string, ts: number, load: number) =>
  createEvent('snmp.metric', origin, dev(device), {
    group: 'host-cpu', samples: [{ name: 'hrProcessorLoad', labels: { hrDeviceIndex: '196608' }, value: load, unit: '%', type: 'gauge' }],
  }, ts);

const poll = (device: string, ts: number, reachable: boolean) =>
  createEvent('snmp.metric', origin, dev(device), {
    group: 'snmp_poll', samples: [{ name: 'snmp_poll_reachable', labels: { version: 'v2c', ...(reachable ? {} : { error: 'timeout' }) }, value: reachable ? 1 : 0, unit: '', type: 'status' }],
  }, ts);

const trap = (device: string, ts: number, name: string, ifIndex = '3') =>
  createEvent('snmp.trap', origin, dev(device), {
    version: 'v2c', pdu: 'trap', trapOid: '1.3.6.1.6.3.1.1.5.3', trapName: `IF-MIB::${name}`, source: { address: '127.0.1.1', port: 162 }, security: {},
    varbinds: [{ oid: `1.3.6.1.2.1.2.2.1.1.${ifIndex}`, name: `IF-MIB::ifIndex.${ifIndex}`, type: 'Integer', value: ifIndex }],
  }, ts);

const syslog = (device: string, ts: number, severity: number, message = 'PSU failed') =>
  createEvent('syslog.message', origin, dev(device), {
    facility: 23, severity, format: 'rfc5424', appName: 'chassisd', message, structuredData: {}, fields: {}, timeSource: 'message', transport: 'udp',
    source: { address: '127.0.1.1', port: 514 }, truncated: false,
  }, ts);

function engine(rules: unknown[], options: { parents?: Record<string, string[]>; inhibit?: unknown[]; cel?: 'cel-js' | 'bufbuild' } = {}) {
  const errors: string[] = [];
  const set = loadRuleSet({ rules, inhibitRules: options.inhibit ?? [], ruleFiles: [], defaultRules: false }, { cel: CEL_ENGINES[options.cel ?? 'cel-js'] });
  const evaluator = new AlertEvaluator(set, {
    collector: 'alert-engine-test',
    tagsOf: (id) => (id.includes('router') ? ['core'] : []),
    parentsOf: (id) => options.parents?.[id] ?? [],
    onRuleError: (rule, device, err) => errors.push(`${rule.id}@${device}: ${(err as Error).message}`),
    startedAt: T0,
  });
  return { evaluator, errors };
}

const brief = (events: readonly AlertStateEvent[]) => events.map((e) => `${e.payload.ruleId}/${e.device.id}:${e.payload.transition}`);

describe('AlertEvaluator', () => {
  it('state icmp-unreachable: pending → firing after for → resolved, with stable fingerprint and sequential transition ids', () => {
    const { evaluator } = engine([{ id: 'down', type: 'state', state: 'icmp-unreachable', for: '30s', severity: 'critical', annotations: { summary: '{{deviceName}} down' } }]);
    const seen: AlertStateEvent[] = [];
    seen.push(...evaluator.evaluate([icmp('r1', T0, false)]));
    expect(seen).toEqual([]);
    seen.push(...evaluator.evaluate([icmp('r1', T0 + 10 * S, true)]));
    seen.push(...evaluator.tick(T0 + 20 * S));
    expect(brief(seen)).toEqual(['down/r1:pending']);
    seen.push(...evaluator.tick(T0 + 40 * S));
    seen.push(...evaluator.evaluate([icmp('r1', T0 + 50 * S, true), icmp('r1', T0 + 60 * S, false)]));
    expect(brief(seen)).toEqual(['down/r1:pending', 'down/r1:firing', 'down/r1:resolved']);
    const fps = new Set(seen.map((e) => e.payload.fingerprint));
    expect(fps.size).toBe(1);
    expect(seen.map((e) => e.payload.transitionId)).toEqual([...fps].flatMap((f) => [`${f}:1`, `${f}:2`, `${f}:3`]));
    const firing = seen[1]!.payload;
    expect(firing).toMatchObject({ state: 'firing', startsAt: T0 + 10 * S, summary: 'r1 down', severity: 'critical' });
    expect(firing.labels).toEqual({ alertname: 'down', rule: 'down', device: 'r1', site: 'lab', severity: 'critical' });
    expect(seen[2]!.payload).toMatchObject({ state: 'resolved', endsAt: T0 + 60 * S });
    // every transition is a valid alert.state event on the wire
    for (const e of seen) expect(decodeEvent(encodeEvent(e))).toEqual(e);
  });

  it('a pending alert whose condition clears before `for` is cancelled, never firing', () => {
    const { evaluator } = engine([{ id: 'down', type: 'state', state: 'icmp-unreachable', for: '1m' }]);
    const out = [...evaluator.evaluate([icmp('r1', T0, true)]), ...evaluator.evaluate([icmp('r1', T0 + 20 * S, false)])];
    expect(brief(out)).toEqual(['down/r1:pending', 'down/r1:cancelled']);
  });

  it('keep_firing_for holds a firing alert after the condition cleared', () => {
    const { evaluator } = engine([{ id: 'cpu', type: 'threshold', metric: 'hrProcessorLoad', threshold: 90, keep_firing_for: '1m' }]);
    const out = [...evaluator.evaluate([cpu('r1', T0, 95), cpu('r1', T0 + 10 * S, 10)]), ...evaluator.tick(T0 + 30 * S)];
    expect(brief(out)).toEqual(['cpu/r1:firing']);
    expect(brief(evaluator.tick(T0 + 71 * S))).toEqual(['cpu/r1:resolved']);
  });

  it('threshold on a metric: one series per label set; value and threshold in the payload', () => {
    const { evaluator } = engine([{ id: 'cpu', type: 'threshold', metric: 'hrProcessorLoad', op: '>=', threshold: 90, annotations: { summary: 'CPU {{value}} > {{threshold}}' } }]);
    const [t] = evaluator.evaluate([cpu('r1', T0, 91.256)]);
    expect(t?.payload).toMatchObject({ transition: 'firing', value: 91.256, threshold: 90, summary: 'CPU 91.26 > 90' });
    expect(t?.payload.labels.hrDeviceIndex).toBe('196608');
  });

  it('threshold with a CEL expression over the row’s samples, and on rates', () => {
    const { evaluator } = engine([
      { id: 'util', type: 'threshold', expr: 'samples.ifHCInOctets_rate * 8.0', threshold: 50, by: ['ifName'] },
      { id: 'rate', type: 'threshold', metric: 'ifHCInOctets', value: 'rate', threshold: 5, sample: { ifName: { regex: 'eth[0-9]' } } },
    ]);
    expect(brief(evaluator.evaluate([ifRow('r1', T0, 1, 1)]))).toEqual(['util/r1:firing', 'rate/r1:firing']);
  });

  it('state interface-down: oper down while admin up fires; admin down does not', () => {
    const { evaluator } = engine([{ id: 'ifdown', type: 'state', state: 'interface-down' }]);
    const out = evaluator.evaluate([ifRow('r1', T0, 1, 2, 1), ifRow('r1', T0, 2, 2, 2), ifRow('r1', T0, 3, 1, 1)]);
    expect(out.map((e) => e.payload.labels.ifName)).toEqual(['eth1']);
    expect(brief(evaluator.evaluate([ifRow('r1', T0 + 10 * S, 1, 1, 1)]))).toEqual(['ifdown/r1:resolved']);
  });

  it('state poll-failing: fires after N consecutive failed cycles, with the volatile error label left out of the identity', () => {
    const { evaluator } = engine([{ id: 'poll', type: 'state', state: 'poll-failing', cycles: 3 }]);
    const out = [poll('r1', T0, false), poll('r1', T0 + 10 * S, false), poll('r1', T0 + 20 * S, true), poll('r1', T0 + 30 * S, false), poll('r1', T0 + 40 * S, false), poll('r1', T0 + 50 * S, false)].flatMap((e) => evaluator.evaluate([e]));
    expect(brief(out)).toEqual(['poll/r1:firing']);
    expect(out[0]?.payload.value).toBe(3);
    expect(out[0]?.payload.labels.error).toBeUndefined();
  });

  it('event match on traps (by name and varbind) and syslog (severity, message regex); resolve_after clears them', () => {
    const { evaluator } = engine([
      { id: 'linkdown', type: 'event', trap: { name: 'linkDown', varbinds: { ifIndex: ['3', '4'] } }, by: ['ifIndex'], resolve_after: '5m' },
      { id: 'crit', type: 'event', syslog: { maxSeverity: 2, message: 'PSU' }, resolve_after: '5m' },
    ]);
    const out = evaluator.evaluate([trap('r1', T0, 'linkDown', '3'), trap('r1', T0, 'linkDown', '9'), trap('r1', T0, 'linkUp', '3'), syslog('r1', T0, 2), syslog('r1', T0, 3), syslog('r1', T0, 1, 'fan ok')]);
    expect(brief(out)).toEqual(['linkdown/r1:firing', 'crit/r1:firing']);
    expect(out[0]?.payload.labels.ifIndex).toBe('3');
    expect(evaluator.tick(T0 + 4 * 60 * S)).toEqual([]);
    expect(brief(evaluator.tick(T0 + 5 * 60 * S))).toEqual(['linkdown/r1:resolved', 'crit/r1:resolved']);
  });

  it('window: more than 5 linkDown traps from a device within 10 minutes, cleared when the window empties', () => {
    const { evaluator } = engine([{ id: 'storm', type: 'window', kind: 'snmp.trap', trap: { name: 'linkDown' }, count: 5, window: '10m' }]);
    const traps = Array.from({ length: 6 }, (_, i) => trap('r1', T0 + i * 60 * S, 'linkDown'));
    const out = traps.flatMap((t) => evaluator.evaluate([t]));
    expect(brief(out)).toEqual(['storm/r1:firing']);
    expect(out[0]?.payload.value).toBe(6);
    expect(brief(evaluator.tick(T0 + 10 * 60 * S + 1))).toEqual(['storm/r1:resolved']);
  });

  it('absence: a device heard before that sends no ICMP for T; silence: a collector that sends nothing for T', () => {
    const { evaluator } = engine([
      { id: 'no-icmp', type: 'absence', kind: 'icmp.probe', for: '2m', match: { tags: 'core' } },
      { id: 'quiet', type: 'silence', scope: 'collector', for: '5m' },
    ]);
    evaluator.evaluate([icmp('router-1', T0, false), icmp('switch-1', T0, false)]);
    expect(evaluator.tick(T0 + 60 * S)).toEqual([]);
    expect(brief(evaluator.tick(T0 + 121 * S))).toEqual(['no-icmp/router-1:firing']);
    expect(brief(evaluator.evaluate([icmp('router-1', T0 + 130 * S, false)]))).toEqual([]);
    expect(brief(evaluator.tick(T0 + 131 * S))).toEqual(['no-icmp/router-1:resolved']);
    const quiet = evaluator.tick(T0 + 131 * S + 5 * 60 * S);
    expect(quiet.map((e) => [e.payload.ruleId, e.payload.labels.collector])).toContainEqual(['quiet', 'c1']);
  });

  it('match: device, regex, CIDR on the address, tags, payload fields; CEL condition', () => {
    const { evaluator } = engine([
      { id: 'a', type: 'state', state: 'icmp-unreachable', match: { 'device.address': { cidr: '127.0.0.0/8' }, device: { regex: 'r.*' }, 'payload.family': 4 } },
      { id: 'b', type: 'state', state: 'icmp-unreachable', match: { 'device.address': { cidr: '10.0.0.0/8' } } },
      { id: 'c', type: 'state', state: 'icmp-unreachable', condition: 'payload.lossPct > 50.0 && device.id.startsWith("r")' },
    ]);
    expect(brief(evaluator.evaluate([icmp('r1', T0, true), icmp('s1', T0, true)]))).toEqual(['a/r1:firing', 'c/r1:firing']);
  });

  it('flap detection: a series toggling every cycle sends one flapping-start, no storm, then one flapping-stop', () => {
    const { evaluator } = engine([{ id: 'ifdown', type: 'state', state: 'interface-down' }]);
    const out: AlertStateEvent[] = [];
    for (let i = 0; i < 30; i++) out.push(...evaluator.evaluate([ifRow('r1', T0 + i * 10 * S, 1, i % 2 === 0 ? 2 : 1)]));
    const transitions = out.map((e) => e.payload.transition);
    expect(transitions.filter((t) => t === 'flapping-start')).toHaveLength(1);
    const start = transitions.indexOf('flapping-start');
    expect(transitions.slice(start + 1)).toEqual([]);
    expect(start).toBeLessThan(8);
    for (let i = 30; i < 60; i++) out.push(...evaluator.evaluate([ifRow('r1', T0 + i * 10 * S, 1, 1)]));
    const after = out.map((e) => e.payload.transition);
    expect(after.filter((t) => t === 'flapping-stop')).toHaveLength(1);
    expect(out[out.length - 1]?.payload).toMatchObject({ transition: 'flapping-stop', flapping: false, state: 'resolved' });
  });

  it('topology: an unreachable device mutes its SNMP alerts and its children’s, and lifts it when it returns', () => {
    const { evaluator } = engine(
      [
        { id: 'down', type: 'state', state: 'icmp-unreachable', inhibits: { sameDevice: 'all', children: true } },
        { id: 'ifdown', type: 'state', state: 'interface-down' },
      ],
      { parents: { s1: ['r1'] } },
    );
    const first = evaluator.evaluate([ifRow('r1', T0, 1, 2), ifRow('s1', T0, 1, 2), ifRow('x1', T0, 1, 2)]);
    expect(brief(first)).toEqual(['ifdown/r1:firing', 'ifdown/s1:firing', 'ifdown/x1:firing']);
    const down = evaluator.evaluate([icmp('r1', T0 + S, true)]);
    expect(brief(down)).toEqual(['down/r1:firing', 'ifdown/r1:inhibited', 'ifdown/s1:inhibited']);
    const downFp = down[0]!.payload.fingerprint;
    expect(down[1]!.payload.inhibitedBy).toEqual([downFp]);
    // a new alert of a muted device is born muted
    const late = evaluator.evaluate([ifRow('s1', T0 + 2 * S, 2, 2)]);
    expect(late[0]?.payload).toMatchObject({ transition: 'firing', inhibitedBy: [downFp] });
    expect(brief(evaluator.evaluate([icmp('r1', T0 + 3 * S, false)]))).toEqual(['down/r1:resolved', 'ifdown/r1:uninhibited', 'ifdown/s1:uninhibited', 'ifdown/s1:uninhibited']);
  });

  it('inhibit_rules: a firing critical alert mutes warnings with the same device label', () => {
    const { evaluator } = engine(
      [
        { id: 'cpu-crit', type: 'threshold', metric: 'hrProcessorLoad', threshold: 95, severity: 'critical', by: [] },
        { id: 'cpu-warn', type: 'threshold', metric: 'hrProcessorLoad', threshold: 80, severity: 'warning', by: [] },
      ],
      { inhibit: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['device'] }] },
    );
    const out = evaluator.evaluate([cpu('r1', T0, 99), cpu('r2', T0, 85)]);
    const warnR1 = out.find((e) => e.payload.ruleId === 'cpu-warn' && e.device.id === 'r1');
    const warnR2 = out.find((e) => e.payload.ruleId === 'cpu-warn' && e.device.id === 'r2');
    expect(warnR1?.payload.inhibitedBy).toHaveLength(1);
    expect(warnR2?.payload.inhibitedBy).toEqual([]);
  });

  it('a rule that throws at run time is reported and skipped; the other rules still run', () => {
    const { evaluator, errors } = engine([
      { id: 'bad', type: 'state', state: 'icmp-unreachable', condition: 'payload.nosuchfield > 1' },
      { id: 'good', type: 'state', state: 'icmp-unreachable' },
    ]);
    expect(brief(evaluator.evaluate([icmp('r1', T0, true), icmp('r2', T0, true)]))).toEqual(['good/r1:firing', 'good/r2:firing']);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^bad@r1: /);
  });

  it('a restored checkpoint continues: the pending timer and the transition sequence survive a restart', () => {
    const rules = [{ id: 'down', type: 'state', state: 'icmp-unreachable', for: '30s' }];
    const a = engine(rules).evaluator;
    expect(brief(a.evaluate([icmp('r1', T0, true)]))).toEqual(['down/r1:pending']);
    const saved = a.takeDirty().map(encodeDeviceState);
    const b = engine(rules).evaluator;
    for (const text of saved) b.restore(decodeDeviceState(text)!);
    const out = b.tick(T0 + 31 * S);
    expect(brief(out)).toEqual(['down/r1:firing']);
    expect(out[0]?.payload.transitionId).toMatch(/:2$/);
    expect(out[0]?.payload.startsAt).toBe(T0);
  });

  it.each(['cel-js', 'bufbuild'] as const)('evaluates CEL conditions the same with %s', (cel) => {
    const { evaluator } = engine([{ id: 'c', type: 'state', state: 'icmp-unreachable', condition: 'payload.lossPct >= 100.0 && "core" in tags' }], { cel });
    expect(brief(evaluator.evaluate([icmp('router-1', T0, true), icmp('switch-1', T0, true)]))).toEqual(['c/router-1:firing']);
  });
});
