// Probes every address in TARGETS_FILE with the built icmp-prober engine (services/icmp-prober/dist),
// one cycle of COUNT probes each, paced like fping -C COUNT -p PERIOD -t TIMEOUT -i 1000/RATE,
// then prints one line per target in fping's -C format to stderr ("addr : rtt rtt -") and a
// JSON summary on stdout: wall time and CPU time of the probing (process.cpuUsage()).
//
//   node bench/icmp/prober-run.js TARGETS_FILE COUNT PERIOD_MS TIMEOUT_MS RATE_PPS
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { Registry } = require('prom-client');
const dist = path.join(__dirname, '..', '..', 'services', 'icmp-prober', 'dist');
const { IcmpProber } = require(path.join(dist, 'icmp-prober.js'));
const { RawIcmpTransport } = require(path.join(dist, 'icmp-socket.js'));
const { IcmpProberMetrics } = require(path.join(dist, 'icmp-prober.metrics.js'));
const { probeTarget } = require(path.join(dist, 'probe-target.js'));

const [file, count, period, timeout, rate] = process.argv.slice(2);
const addresses = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
const settings = {
  probesPerCycle: Number(count),
  probeSpacingMs: Number(period),
  timeoutMs: Number(timeout),
  maxPacketsPerSecond: Number(rate),
  // One cycle per target (the run stops after it), all started at once as fping does; the rate
  // limit spreads the sends.
  cycleIntervalMs: 3_600_000,
  payloadBytes: 56,
  downAfterCycles: 1,
  upAfterCycles: 1,
};
const registry = new Registry();
const { transport } = RawIcmpTransport.open({ receiveBufferBytes: 8 << 20 });
const lines = [];
let done = 0;
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const prober = new IcmpProber({
  settings,
  transport,
  metrics: new IcmpProberMetrics(registry),
  onCycle: (r) => {
    lines.push(r);
    if (++done === addresses.length) finish();
  },
});
prober.setTargets(addresses.map((a) => probeTarget(a)), 0);
prober.start();

async function finish() {
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  prober.stop();
  transport.close();
  const out = lines.map((r) => `${r.target.address} : ${r.received}/${r.sent} ${r.rttAvgMs ?? '-'} ${Object.entries(r.errors).map(([k, v]) => `${k}=${v}`).join(',')}`);
  process.stderr.write(out.join('\n') + '\n');
  const metric = async (name) => (await registry.getSingleMetric(name).get()).values.reduce((s, v) => s + v.value, 0);
  process.stdout.write(JSON.stringify({
    targets: addresses.length,
    probes: await metric('sonde_icmp_probes_sent_total'),
    wallSeconds: wall,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    dropped: (await registry.getSingleMetric('sonde_icmp_dropped_total').get()).values,
  }) + '\n');
}
