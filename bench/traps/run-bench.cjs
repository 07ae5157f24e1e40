// bench/traps: the same generated SNMPv2c linkDown traps (3 varbinds, as Debian's snmptrap
// encodes them) against, in one run:
//   sonde      the Sonde trap receiver (target-sonde.cjs)
//   snmptrapd  Debian net-snmp 5.9 snmptrapd, same MIB files, one formatted log line per trap
//   net-snmp   net-snmp 3.29.2's Receiver (npm), decode + community check, no translation
//   bare       a Node dgram socket that only counts: Node's floor for UDP
// Two measurements per target:
//   cpu   CPU seconds of the target process (/proc/<pid>/stat utime+stime) per 100 000 traps,
//         sent at --cpu-rate (below both targets' limits) — every trap must arrive
//   rates each rate step sends --seconds worth of traps; the highest step with zero loss wins
// Loopback only, bounded (each step ≤ --seconds of sending plus a drain wait).
//   node run-bench.cjs [--rates 5000,10000,20000,40000,80000] [--seconds 2] [--cpu-count 100000] [--cpu-rate 10000]
const { spawn } = require('node:child_process');
const dgram = require('node:dgram');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { cpuSeconds, captureTrap, freeUdpPort } = require('../lib/bench-util.cjs');

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const RATES = arg('rates', '5000,10000,20000,40000,80000').split(',').map(Number);
const SECONDS = Number(arg('seconds', '2'));
const CPU_COUNT = Number(arg('cpu-count', '100000'));
const CPU_RATE = Number(arg('cpu-rate', '10000'));
const TARGETS = arg('targets', 'bare,net-snmp,sonde,snmptrapd').split(',');
const ROOT = path.join(__dirname, '../..');
const MIB_DIRS = ['ietf', 'net-snmp'].map((d) => path.join(ROOT, 'libs/snmp/mibs', d)).join(':');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function nodeTarget(mode) {
  const env = { ...process.env, ...(mode === 'net-snmp' ? { NET_SNMP_PORT: String(await freeUdpPort()) } : {}) };
  const child = spawn(process.execPath, [path.join(__dirname, 'target-sonde.cjs'), mode], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const lines = readline.createInterface({ input: child.stdout });
  const queue = [];
  let waiter;
  lines.on('line', (l) => (waiter ? (waiter(l), (waiter = undefined)) : queue.push(l)));
  const next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => (waiter = r)));
  const port = Number((await next()).split(' ')[1]);
  await sleep(500); // net-snmp's Receiver binds after createReceiver returns
  return {
    name: mode, pid: child.pid, port,
    async count() {
      child.stdin.write('stats\n');
      const stats = JSON.parse(await next());
      this.last = stats;
      return stats.delivered;
    },
    async stop() {
      child.stdin.write('quit\n');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

async function snmptrapd() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sonde-bench-snmptrapd-'));
  const port = await freeUdpPort();
  const out = path.join(dir, 'traps.log');
  const conf = path.join(dir, 'snmptrapd.conf');
  // authCommunity log: community check as Sonde does; format2: one line per trap with the
  // trap OID and every varbind translated through the same MIB files Sonde's dictionary uses
  fs.writeFileSync(conf, 'authCommunity log public\ndoNotRetainNotificationLogs yes\nformat2 TRAP %N %W %v\\n\n');
  const child = spawn('/usr/sbin/snmptrapd', ['-f', '-n', '-C', '-c', conf, '-M', MIB_DIRS, '-m', 'ALL', '-Lf', out, '-p', path.join(dir, 'pid'), `udp:127.0.0.1:${port}`],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { PATH: process.env.PATH, SNMP_PERSISTENT_DIR: dir, SNMPCONFPATH: dir } });
  await sleep(1500);
  let offset = 0;
  let count = 0;
  return {
    name: 'snmptrapd', pid: child.pid, port,
    async count() {
      if (!fs.existsSync(out)) return 0;
      const fd = fs.openSync(out, 'r');
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(size - offset);
      fs.readSync(fd, buf, 0, buf.length, offset);
      fs.closeSync(fd);
      // count whole lines only
      const last = buf.lastIndexOf(10);
      if (last >= 0) {
        const text = buf.subarray(0, last + 1).toString('latin1');
        count += text.split('\n').filter((l) => l.startsWith('TRAP ')).length;
        offset += last + 1;
      }
      return count;
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sends `n` copies at `rate`/s in 1 ms slices; returns the achieved rate. */
async function send(port, datagram, n, rate) {
  const s = dgram.createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
  s.on('error', () => undefined); // ICMP port unreachable while a target starts or stops: counted as loss
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  s.connect(port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  const start = process.hrtime.bigint();
  let sent = 0;
  while (sent < n) {
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    const due = Math.min(n, Math.floor(elapsed * rate) + 1);
    while (sent < due) {
      s.send(datagram);
      sent++;
    }
    await new Promise((r) => setImmediate(r));
  }
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  await sleep(50);
  s.close();
  return sent / secs;
}

/** Waits until the target's count stops moving (or reaches `expected`). */
async function drain(target, expected) {
  let last = -1;
  let stable = 0;
  for (let i = 0; i < 600; i++) {
    const c = await target.count();
    if (c >= expected) return c;
    stable = c === last ? stable + 1 : 0;
    // a Kafka target's count moves once per acknowledged request, which a loaded broker may
    // take seconds to send: wait 3 s of no change there, 0.5 s for the others
    if (stable >= (target.name.includes('kafka') ? 30 : 5)) return c;
    last = c;
    await sleep(100);
  }
  return last;
}

async function main() {
  const datagram = await captureTrap();
  const results = { date: new Date().toISOString(), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, datagramBytes: datagram.length, targets: {} };
  for (const name of TARGETS) {
    const target = name === 'snmptrapd' ? await snmptrapd() : await nodeTarget(name);
    const r = { cpu: {}, rates: [] };
    // warm-up (JIT, MIB caches), not measured
    await send(target.port, datagram, 2000, 5000);
    let base = await drain(target, 2000);
    const cpu0 = cpuSeconds(target.pid);
    // the thread that reads the socket (the main thread, tid = pid): what decides kernel drops
    // once other threads (a producer thread, bus.kafka.producer.thread: worker) have cores of their own
    const main0 = cpuSeconds(target.pid, target.pid);
    await send(target.port, datagram, CPU_COUNT, CPU_RATE);
    const got = (await drain(target, base + CPU_COUNT)) - base;
    const cpu = cpuSeconds(target.pid) - cpu0;
    const mainCpu = cpuSeconds(target.pid, target.pid) - main0;
    r.cpu = { sent: CPU_COUNT, arrived: got, rate: CPU_RATE, cpuSeconds: cpu, cpuSecondsPer100k: (cpu * 100000) / Math.max(got, 1), usPerTrap: (cpu * 1e6) / Math.max(got, 1), mainThreadUsPerTrap: (mainCpu * 1e6) / Math.max(got, 1) };
    console.log(`${name}: cpu ${JSON.stringify(r.cpu)}`);
    base += got;
    if (target.last?.kernelDrops !== undefined) target.drops = { kernel: target.last.kernelDrops, dropped: target.last.dropped };
    for (const rate of RATES) {
      const n = Math.round(rate * SECONDS);
      const c0 = cpuSeconds(target.pid);
      const m0 = cpuSeconds(target.pid, target.pid);
      const achieved = await send(target.port, datagram, n, rate);
      const arrived = (await drain(target, base + n)) - base;
      base += arrived;
      const drops0 = target.drops ?? { kernel: 0, dropped: {} };
      // the Sonde targets say where the lost ones went (cumulative counters: this step's share)
      const where = target.last && target.last.kernelDrops !== undefined
        ? { kernelDrops: target.last.kernelDrops - drops0.kernel, dropped: Object.fromEntries(Object.entries(target.last.dropped).map(([k, v]) => [k, v - (drops0.dropped[k] ?? 0)])) }
        : {};
      if (target.last?.kernelDrops !== undefined) target.drops = { kernel: target.last.kernelDrops, dropped: target.last.dropped };
      const step = { rate, achieved: Math.round(achieved), sent: n, arrived, lost: n - arrived, ...where, cpuSeconds: cpuSeconds(target.pid) - c0, mainThreadCpuSeconds: cpuSeconds(target.pid, target.pid) - m0 };
      r.rates.push(step);
      console.log(`${name}: ${JSON.stringify(step)}`);
      if (arrived < n * 0.5) break; // far past its limit: the next steps say nothing new
    }
    r.zeroLossRate = Math.max(0, ...r.rates.filter((s) => s.lost === 0).map((s) => s.achieved));
    results.targets[name] = r;
    await target.stop();
  }
  const s = results.targets.sonde;
  const t = results.targets.snmptrapd;
  if (s && t) results.cpuRatio = t.cpu.cpuSecondsPer100k / s.cpu.cpuSecondsPer100k;
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  const file = path.join(__dirname, 'results', `run-${results.date.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify({ cpuRatio: results.cpuRatio, zeroLoss: Object.fromEntries(Object.entries(results.targets).map(([k, v]) => [k, v.zeroLossRate])) }));
  console.log(`written ${path.relative(ROOT, file)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
