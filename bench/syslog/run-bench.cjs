// Runs the same generated UDP syslog stream (load-generator.cjs) against, in one run:
//   bare     a Node dgram socket that only counts (the floor for Node)
//   sonde    the Sonde syslog receiver, main thread (udp.workers: 0) → MemoryEventBus
//   sonde-w2 the same with 2 UDP worker threads (SO_REUSEPORT)
//   rsyslog  Debian rsyslogd 8.2302, imudp → omfile
//   sonde-kafka    the Sonde receiver publishing to the real Kafka bus (SONDE_TEST_KAFKA_BROKERS;
//                  BENCH_KAFKA_CLIENT kafkajs|platformatic, default platformatic as the product)
//   sonde-kafka-platformatic  the same, always on bus.kafka.client: platformatic
//   rsyslog-kafka  rsyslogd imudp → omkafka (librdkafka) to the same broker
// (Kafka targets count what reached the topic: the sum of its partitions' high watermarks.)
// For each rate step: messages sent / arrived, CPU seconds of the target process (all threads,
// /proc/<pid>/stat utime+stime) per million messages. Loopback only; each step is bounded.
//   node run-bench.cjs [--rates 20000,50000,100000] [--seconds 4] [--targets bare,sonde,sonde-w2,rsyslog]
const { spawn, execFileSync } = require('node:child_process');
const dgram = require('node:dgram');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { cpuSeconds, freeUdpPort } = require('../lib/bench-util.cjs');

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const RATES = arg('rates', '20000,50000,100000,150000').split(',').map(Number);
const SECONDS = Number(arg('seconds', '4'));
const TARGETS = arg('targets', 'bare,sonde,sonde-w2,rsyslog').split(',');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A Node target speaking the READY/stats protocol. */
async function nodeTarget(script, args, env = {}) {
  const child = spawn(process.execPath, [path.join(__dirname, script), ...args], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const lines = readline.createInterface({ input: child.stdout });
  const queue = [];
  let waiter;
  lines.on('line', (l) => (waiter ? (waiter(l), (waiter = undefined)) : queue.push(l)));
  const next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => (waiter = r)));
  const ready = await next();
  const port = Number(ready.split(' ')[1]);
  return {
    pid: child.pid,
    port,
    async count() {
      child.stdin.write('stats\n');
      return JSON.parse(await next()).delivered;
    },
    async stop() {
      child.stdin.write('quit\n');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

const BROKERS = (process.env.SONDE_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
let topicSeq = 0;

/** Events on a topic: the sum of its partitions' end offsets (each target writes its own topic). */
async function topicCounter(topic) {
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({ brokers: BROKERS, clientId: 'bench-syslog', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  // LogAppendTime: omkafka stamps records with the message's own (device) time, and Kafka 4
  // refuses timestamps far in the past (the generator replays lines dated 2026-11-25)
  await admin
    .createTopics({ topics: [{ topic, numPartitions: 6, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }], waitForLeaders: true })
    .catch(() => undefined);
  let last = 0;
  return {
    async count() {
      // a fresh topic may answer NOT_LEADER for a moment: the last count stands, asked again later
      try {
        last = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
      } catch {
        // retried at the next count
      }
      return last;
    },
    close: () => admin.disconnect(),
  };
}

/** The receiver on the Kafka bus; `client` overrides BENCH_KAFKA_CLIENT (platformatic by default, as the product). */
async function sondeKafkaTarget(client) {
  if (!BROKERS.length) throw new Error('sonde-kafka needs SONDE_TEST_KAFKA_BROKERS (bench/syslog/run.sh starts Kafka)');
  const prefix = `bench-syslog-${process.pid}-${++topicSeq}.`;
  const counter = await topicCounter(`${prefix}sonde.syslog.v1`);
  const target = await nodeTarget('target-receiver.cjs', ['0'], { BENCH_KAFKA_PREFIX: prefix, ...(client ? { BENCH_KAFKA_CLIENT: client } : {}) });
  return { ...target, count: () => counter.count(), stop: async () => { await target.stop(); await counter.close(); } };
}

async function rsyslogKafkaTarget() {
  if (!BROKERS.length) throw new Error('rsyslog-kafka needs SONDE_TEST_KAFKA_BROKERS');
  const topic = `bench-syslog-rsyslog-${process.pid}-${++topicSeq}`;
  const counter = await topicCounter(topic);
  // acks=all + idempotence as the Sonde producer; librdkafka batches itself (linger 5 ms)
  const target = await rsyslogTarget(
    `module(load="omkafka")
action(type="omkafka" broker=["${BROKERS.join('","')}"] topic="${topic}"
  confParam=["acks=all", "enable.idempotence=true", "linger.ms=5", "queue.buffering.max.messages=1000000"]
  errorFile="${process.env.BENCH_OMKAFKA_ERRORS ?? '/dev/null'}" queue.type="LinkedList" queue.size="1000000")`,
  );
  return { ...target, count: () => counter.count(), stop: async () => { await target.stop(); await counter.close(); } };
}

async function rsyslogTarget(output) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sonde-bench-rsyslog-'));
  const port = await freeUdpPort();
  const out = path.join(dir, 'out.log');
  const conf = path.join(dir, 'rsyslog.conf');
  fs.writeFileSync(
    conf,
    `global(workDirectory="${dir}")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="${port}" rcvbufSize="${process.env.RCVBUF ?? 4194304}")
${output ?? `action(type="omfile" file="${out}")`}
`,
  );
  const child = spawn('/usr/sbin/rsyslogd', ['-n', '-f', conf, '-i', path.join(dir, 'pid')], { stdio: ['ignore', 'inherit', 'inherit'] });
  await sleep(700);
  let offset = 0;
  let lines = 0;
  return {
    pid: child.pid,
    port,
    async count() {
      if (!fs.existsSync(out)) return 0;
      const fd = fs.openSync(out, 'r');
      const buf = Buffer.alloc(1 << 20);
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, offset);
        if (n <= 0) break;
        for (let i = 0; i < n; i++) if (buf[i] === 10) lines++;
        offset += n;
      }
      fs.closeSync(fd);
      return lines;
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function generate(port, rate, seconds) {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'load-generator.cjs'), String(port), String(rate), String(seconds), '4']);
  return JSON.parse(out.toString());
}

async function settle(target, sent, before, patient = false) {
  // a Kafka target's count moves once per acknowledged request, which a loaded broker may take
  // seconds to send: there, wait for 3 s without change instead of 0.3 s
  let last = -1;
  let stable = 0;
  for (let i = 0; i < 200; i++) {
    const n = (await target.count()) - before;
    if (n >= sent) return n;
    stable = n === last ? stable + 1 : 0;
    if (stable >= (patient ? 10 : 1)) return n;
    last = n;
    await sleep(300);
  }
  return last;
}

async function main() {
  const results = [];
  for (const name of TARGETS) {
    const target =
      name === 'rsyslog'
        ? await rsyslogTarget()
        : name === 'rsyslog-kafka'
          ? await rsyslogKafkaTarget()
          : name === 'sonde-kafka' || name === 'sonde-kafka-platformatic'
            ? await sondeKafkaTarget(name === 'sonde-kafka-platformatic' ? 'platformatic' : undefined)
            : name === 'bare'
              ? await nodeTarget('target-bare.cjs', [])
              : await nodeTarget('target-receiver.cjs', [name === 'sonde-w2' ? '2' : '0']);
    await sleep(300);
    for (const rate of RATES) {
      const before = await target.count();
      const cpu0 = cpuSeconds(target.pid);
      const { sent, seconds } = generate(target.port, rate, SECONDS);
      const arrived = await settle(target, sent, before, name.includes('kafka'));
      const cpu = cpuSeconds(target.pid) - cpu0;
      const row = {
        target: name, rate, sent, achievedRate: Math.round(sent / seconds), arrived, lost: sent - arrived,
        cpuSeconds: +cpu.toFixed(2), cpuSecondsPerMillion: arrived ? +((cpu / arrived) * 1e6).toFixed(2) : null,
      };
      results.push(row);
      process.stderr.write(`${JSON.stringify(row)}\n`);
    }
    await target.stop();
  }
  const zeroLoss = {};
  for (const r of results) if (r.lost === 0) zeroLoss[r.target] = Math.max(zeroLoss[r.target] ?? 0, r.rate);
  // CPU per message is compared at one rate: the highest step every target took without loss
  // (at lower rates fixed costs — timers, GC of an idle heap — weigh more per message)
  const common = Math.max(0, ...RATES.filter((rate) => TARGETS.every((t) => results.some((r) => r.target === t && r.rate === rate && r.lost === 0))));
  const at = (t) => results.find((r) => r.target === t && r.rate === common)?.cpuSecondsPerMillion ?? null;
  const summary = { commonZeroLossRate: common, targets: Object.fromEntries(TARGETS.map((t) => [t, { zeroLossRate: zeroLoss[t] ?? 0, cpuSecondsPerMillionAtCommonRate: at(t) }])) };
  const ratio = (a, b) => (at(a) && at(b) ? +(at(a) / at(b)).toFixed(2) : null);
  summary.ratios = {};
  if (TARGETS.includes('sonde') && TARGETS.includes('rsyslog')) summary.ratios['sonde/rsyslog'] = ratio('sonde', 'rsyslog');
  if (TARGETS.includes('sonde') && TARGETS.includes('bare')) summary.ratios['sonde/bare'] = ratio('sonde', 'bare');
  for (const k of ['sonde-kafka', 'sonde-kafka-platformatic']) if (TARGETS.includes(k) && TARGETS.includes('rsyslog-kafka')) summary.ratios[`${k}/rsyslog-kafka`] = ratio(k, 'rsyslog-kafka');
  if (TARGETS.includes('bare') && TARGETS.includes('rsyslog')) summary.ratios['bare/rsyslog'] = ratio('bare', 'rsyslog');
  // per rate, each target against its peer (the common zero-loss rate may be the lowest step)
  summary.perRate = RATES.map((rate) => {
    const r = (t) => results.find((x) => x.target === t && x.rate === rate);
    const row = { rate };
    for (const [a, b] of [['sonde', 'rsyslog'], ['bare', 'rsyslog'], ['sonde-kafka', 'rsyslog-kafka'], ['sonde-kafka-platformatic', 'rsyslog-kafka']]) {
      if (r(a)?.cpuSecondsPerMillion && r(b)?.cpuSecondsPerMillion) row[`${a}/${b}`] = +(r(a).cpuSecondsPerMillion / r(b).cpuSecondsPerMillion).toFixed(2);
    }
    return row;
  });
  const report = { when: new Date().toISOString(), host: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg: os.loadavg() }, seconds: SECONDS, rates: RATES, results, summary };
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `run-${report.when.replace(/[:.]/g, '-')}.json`), JSON.stringify(report, null, 2));
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
