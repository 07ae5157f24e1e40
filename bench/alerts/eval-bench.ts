// Evaluation benchmark (run by bench/alerts/eval.sh): events/s through the alert evaluator on one
// core with 200 rules over a realistic mix (interface metrics, CPU, poll status, ICMP, traps,
// syslog), with each CEL library; then RSS with 100 000 active alert series.
//   node bench/alerts/eval-bench.ts            (BENCH_EVENTS=200000, BENCH_SERIES=100000)
import { execFileSync } from 'node:child_process';
import { Session } from 'node:inspector';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createEvent } from '@sonde/events/create-event';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { AlertEvaluator } from '@sonde/alert-engine/alert-evaluator';
import { CEL_ENGINES } from '@sonde/alert-engine/cel-engine';
import { DEFAULT_RULES } from '@sonde/alert-engine/default-rules';
import { loadRuleSet } from '@sonde/alert-engine/rule-set-loader';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const SERIES = Number(process.env.BENCH_SERIES ?? 100_000);
const DEVICES = 1000;
const T0 = Date.UTC(2026, 11, 1);

/** 200 rules: the 15 defaults, then generated ones of every type, 40 with CEL conditions. */
function rules(): unknown[] {
  const out: unknown[] = [...DEFAULT_RULES];
  let i = 0;
  const metrics = ['ifHCInOctets', 'ifHCOutOctets', 'ifInErrors', 'ifOutDiscards', 'ifHCInUcastPkts'];
  while (out.length < 75) {
    const m = metrics[i % metrics.length];
    out.push({ id: `thr-${i}`, type: 'threshold', metric: m, value: 'rate', op: '>', threshold: 1e6 + i, sample: { ifName: { regex: `eth[0-9]+` } }, for: '5m' });
    i++;
  }
  while (out.length < 115) {
    out.push({ id: `cel-${i}`, type: 'threshold', kind: 'icmp.probe', metric: 'rttAvgMs', threshold: 100 + i, condition: `payload.lossPct < 50.0 && device.id.startsWith("dev-${i % 10}")`, for: '2m' });
    i++;
  }
  while (out.length < 135) {
    out.push({ id: `trap-${i}`, type: 'event', trap: { name: i % 2 ? 'linkDown' : 'linkUp', varbinds: { ifIndex: String(i % 8) } }, by: ['ifIndex'] });
    i++;
  }
  while (out.length < 160) {
    out.push({ id: `syslog-${i}`, type: 'event', syslog: { maxSeverity: 3, message: `error ${i}|fail` }, by: ['appName'], condition: 'payload.facility == 23' });
    i++;
  }
  while (out.length < 180) {
    out.push({ id: `state-${i}`, type: 'state', state: (['icmp-unreachable', 'interface-down', 'poll-failing'] as const)[i % 3], match: { device: { regex: `dev-${i % 7}.*` } }, for: '1m' });
    i++;
  }
  while (out.length < 200) {
    out.push({ id: `win-${i}`, type: 'window', kind: 'syslog.message', syslog: { maxSeverity: 4 }, count: 20 + i, window: '10m' });
    i++;
  }
  return out;
}

/** One cycle of events for a device: what the collectors send (interfaces: 4 rows × 12 samples). */
function eventsFor(d: number, cycle: number) {
  const device = { id: `dev-${d}`, name: `dev-${d}`, address: `10.${(d >> 8) & 255}.${d & 255}.1` };
  const ts = T0 + cycle * 10_000 + d;
  const poller = { site: 'bench', collector: 'poller-1' };
  const samples = [];
  for (let ifIndex = 1; ifIndex <= 4; ifIndex++) {
    const labels = { ifIndex: String(ifIndex), ifName: `eth${ifIndex}`, ifDescr: `eth${ifIndex}`, ifAlias: '' };
    samples.push(
      { name: 'ifAdminStatus', labels, value: 1, unit: '', type: 'status' as const },
      { name: 'ifOperStatus', labels, value: (d + cycle + ifIndex) % 97 === 0 ? 2 : 1, unit: '', type: 'status' as const },
      { name: 'ifHighSpeed', labels, value: 1000, unit: 'Mbit/s', type: 'gauge' as const },
    );
    for (const m of ['ifHCInOctets', 'ifHCOutOctets', 'ifHCInUcastPkts', 'ifInErrors', 'ifOutErrors', 'ifOutDiscards']) {
      samples.push({ name: `${m}_rate`, labels, value: (d * 31 + cycle * 7 + ifIndex) % 5000, unit: '1/s', type: 'rate' as const });
    }
    samples.push({ name: 'ifHCInOctets', labels, value: cycle * 1e6, unit: 'By', type: 'counter' as const }, { name: 'ifHCOutOctets', labels, value: cycle * 5e5, unit: 'By', type: 'counter' as const });
  }
  return [
    createEvent('snmp.metric', poller, device, { group: 'interfaces', samples }, ts),
    createEvent('snmp.metric', poller, device, { group: 'host-cpu', samples: [{ name: 'hrProcessorLoad', labels: { hrDeviceIndex: '1' }, value: (d + cycle) % 100, unit: '%', type: 'gauge' }] }, ts),
    createEvent('snmp.metric', poller, device, { group: 'snmp_poll', samples: [{ name: 'snmp_poll_reachable', labels: { version: 'v2c' }, value: (d + cycle) % 53 === 0 ? 0 : 1, unit: '', type: 'status' }] }, ts),
    createEvent('icmp.probe', { site: 'bench', collector: 'icmp-1' }, device, {
      target: device.address, family: 4, sent: 3, received: 3, lossPct: 0, rttMinMs: 1, rttAvgMs: 2 + (d % 5), rttMaxMs: 4, rttStddevMs: 1, errors: {},
      reachability: (d + cycle) % 89 === 0 ? 'down' : 'up',
    }, ts),
    createEvent('syslog.message', { site: 'bench', collector: 'syslog-1' }, device, {
      facility: 23, severity: (d + cycle) % 8, format: 'rfc5424', appName: 'linkd', message: `interface eth${cycle % 4} changed state to ${cycle % 2 ? 'up' : 'down'}`,
      structuredData: {}, fields: {}, timeSource: 'message', transport: 'udp', source: { address: device.address, port: 514 }, truncated: false,
    }, ts),
    createEvent('syslog.message', { site: 'bench', collector: 'syslog-1' }, device, {
      facility: 3, severity: 6, format: 'rfc3164', appName: 'sshd', message: 'Accepted publickey for noc', structuredData: {}, fields: {}, timeSource: 'received', transport: 'udp',
      source: { address: device.address, port: 514 }, truncated: false,
    }, ts),
    createEvent('snmp.trap', { site: 'bench', collector: 'trap-1' }, device, {
      version: 'v2c', pdu: 'trap', trapOid: '1.3.6.1.6.3.1.1.5.3', trapName: cycle % 2 ? 'IF-MIB::linkDown' : 'IF-MIB::linkUp', source: { address: device.address, port: 162 }, security: {},
      varbinds: [{ oid: `1.3.6.1.2.1.2.2.1.1.${cycle % 8}`, name: `IF-MIB::ifIndex.${cycle % 8}`, type: 'Integer', value: String(cycle % 8) }],
    }, ts),
  ];
}

function evaluator(cel: 'cel-js' | 'bufbuild', raw: unknown[]) {
  const set = loadRuleSet({ rules: raw, inhibitRules: [], ruleFiles: [], defaultRules: false }, { cel: CEL_ENGINES[cel] });
  let errors = 0;
  const e = new AlertEvaluator(set, { collector: 'bench', tagsOf: () => ['bench'], parentsOf: () => [], onRuleError: () => void errors++, startedAt: T0 });
  return { e, rules: set.rules.length, errors: () => errors };
}

/**
 * The first pass, on an evaluator of its own that is garbage once it returns: a running engine
 * holds one evaluator, and the warm-up's 50 000 series left in the heap made every major GC of
 * the timed pass mark twice the live data.
 */
function warmUp(cel: 'cel-js' | 'bufbuild', raw: unknown[], events: readonly SondeEvent[]) {
  const warm = evaluator(cel, raw).e;
  const w0 = process.cpuUsage();
  for (let i = 0; i < events.length; i += 1000) {
    warm.evaluate(events.slice(i, i + 1000));
    if (i % 20_000 === 0) warm.tick(events[Math.min(i, events.length - 1)]!.ts);
  }
  return process.cpuUsage(w0);
}

function throughput(cel: 'cel-js' | 'bufbuild') {
  const raw = rules();
  const { e, rules: n, errors } = evaluator(cel, raw);
  const events = [];
  for (let cycle = 0; events.length < EVENTS; cycle++) for (let d = 0; d < DEVICES && events.length < EVENTS; d++) events.push(...eventsFor(d, cycle));
  events.length = EVENTS;
  const samples = events.reduce((s, ev) => s + (ev.kind === 'snmp.metric' ? ev.payload.samples.length : 1), 0);
  // a first pass over all events on another evaluator brings the JIT and the heap to the steady state
  // of a running engine; its CPU time is reported too (firstPassCpuSeconds), then the timed pass
  const w = warmUp(cel, raw, events);
  (globalThis as { gc?: () => void }).gc?.();
  let transitions = 0;
  const profiler = startProfile();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < events.length; i += 1000) {
    transitions += e.evaluate(events.slice(i, i + 1000)).length;
    if (i % 20_000 === 0) transitions += e.tick(events[Math.min(i, events.length - 1)]!.ts).length;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  profiler?.(`eval-${cel}`);
  const counts = e.activeCounts();
  return {
    cel, rules: n, events: events.length, samples, seconds: Number(seconds.toFixed(3)), cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
    firstPassCpuSeconds: Number(((w.user + w.system) / 1e6).toFixed(3)),
    eventsPerSecond: Math.round(events.length / seconds), samplesPerSecond: Math.round(samples / seconds), transitions, ruleErrors: errors(), series: counts.series, firing: counts.firing,
  };
}

/** BENCH_CPU_PROFILE=dir: a .cpuprofile of the timed loop alone (no set-up, no warm-up). */
function startProfile(): ((name: string) => void) | undefined {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  return (name) => {
    session.post('Profiler.stop', (err, result) => {
      if (err) throw err;
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(result.profile));
      session.disconnect();
    });
  };
}

function rssWithSeries() {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().rss;
  const set = loadRuleSet({ rules: [{ id: 'down', type: 'state', state: 'icmp-unreachable', severity: 'critical' }], inhibitRules: [], ruleFiles: [], defaultRules: false }, { cel: CEL_ENGINES['cel-js'] });
  const e = new AlertEvaluator(set, { collector: 'bench', tagsOf: () => [], parentsOf: () => [], onRuleError: () => undefined, startedAt: T0 });
  for (let i = 0; i < SERIES; i += 1000) {
    const batch = [];
    for (let d = i; d < Math.min(SERIES, i + 1000); d++) {
      batch.push(createEvent('icmp.probe', { site: 'bench', collector: 'icmp-1' }, { id: `dev-${d}`, name: `dev-${d}`, address: '10.0.0.1' }, {
        target: '10.0.0.1', family: 4, sent: 3, received: 0, lossPct: 100, rttMinMs: null, rttAvgMs: null, rttMaxMs: null, rttStddevMs: null, errors: {}, reachability: 'down',
      }, T0 + d));
    }
    e.evaluate(batch);
    e.takeDirty();
  }
  gc?.();
  const after = process.memoryUsage().rss;
  const counts = e.activeCounts();
  return { series: counts.series, firing: counts.firing, rssBeforeMiB: Math.round(before / 2 ** 20), rssAfterMiB: Math.round(after / 2 ** 20), bytesPerSeries: Math.round((after - before) / counts.series), heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20) };
}

/** The last line of this script run in a fresh process with `env` (same flags, same core). */
function child(env: Record<string, string>): unknown {
  const text = execFileSync(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', '--expose-gc', import.meta.filename], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(text.trim().split('\n').pop() ?? '{}');
}

if (process.env.BENCH_MODE === 'rss') {
  // a fresh process: RSS of the series alone, not of the throughput runs' heap
  console.log(JSON.stringify(rssWithSeries()));
} else if (process.env.BENCH_MODE === 'throughput') {
  console.log(JSON.stringify(throughput(process.env.BENCH_CEL as 'cel-js' | 'bufbuild')));
} else {
  const libraries = (process.env.BENCH_CEL ?? 'cel-js,bufbuild').split(',') as ('cel-js' | 'bufbuild')[];
  // BENCH_RUNS fresh processes per library, interleaved (a, b, a, b, …) so a noisy minute hits
  // both; each timed pass is about a CPU-second, so one run alone moves ±15 % with the machine.
  // The median run is the figure (and the one judged against the bar); min and max are kept.
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
  const all = new Map(libraries.map((cel) => [cel, [] as ReturnType<typeof throughput>[]]));
  for (let r = 0; r < runs; r++) for (const cel of libraries) all.get(cel)!.push(child({ BENCH_MODE: 'throughput', BENCH_CEL: cel }) as ReturnType<typeof throughput>);
  const perCpuOf = (t: ReturnType<typeof throughput>) => t.events / t.cpuSeconds;
  const throughputs = libraries.map((cel) => {
    const sorted = [...all.get(cel)!].sort((x, y) => perCpuOf(x) - perCpuOf(y));
    const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
    return { ...median, runs: sorted.length, eventsPerCpuSecondAll: all.get(cel)!.map((t) => Math.round(perCpuOf(t))), eventsPerCpuSecondMin: Math.round(perCpuOf(sorted[0]!)), eventsPerCpuSecondMax: Math.round(perCpuOf(sorted[sorted.length - 1]!)) };
  });
  const results = { date: new Date().toISOString(), node: process.version, throughput: throughputs, rss: child({ BENCH_MODE: 'rss' }) as ReturnType<typeof rssWithSeries> };
  const [a, b] = results.throughput;
  console.log(JSON.stringify(results, null, 2));
  const dir = path.join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `eval-${results.date.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(results, null, 2)}\n`);
  if (a && b) {
    const perCpu = (t: typeof a) => Math.round(t.events / t.cpuSeconds);
    const firstPass = (t: typeof a) => Math.round(t.events / t.firstPassCpuSeconds);
    console.log(
      `median of ${a.runs} runs: cel-js ${perCpu(a)} events per CPU-second (runs ${a.eventsPerCpuSecondMin}-${a.eventsPerCpuSecondMax}; ${a.eventsPerSecond}/s wall; first pass ${firstPass(a)}), @bufbuild/cel ${perCpu(b)} (runs ${b.eventsPerCpuSecondMin}-${b.eventsPerCpuSecondMax}; ${b.eventsPerSecond}/s wall; first pass ${firstPass(b)}); cel-js/bufbuild ${(perCpu(a) / perCpu(b)).toFixed(2)}x; bar 100000 events/s: ${perCpu(a) >= 100_000 ? 'met' : 'NOT met'}; RSS ${results.rss.rssAfterMiB} MiB with ${results.rss.series} firing series (+${results.rss.rssAfterMiB - results.rss.rssBeforeMiB} MiB, heap ${results.rss.heapUsedMiB} MiB)`,
    );
  }
}
