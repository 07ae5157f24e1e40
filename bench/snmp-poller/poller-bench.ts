// SNMP poller benchmark (run by bench/snmp-poller/run.sh):
//  1. CPU-seconds per 100 000 varbinds: the poller (default profile; full cycle: walk, samples,
//     rates, events) and a bare walk of ifTable+ifXTable, vs Net-SNMP's snmpbulkwalk (C) walking
//     the same two tables of the same lab agents. Agents run in another process.
//  2. Scale: N devices × 48 interfaces on a 60 s interval for a couple of intervals: poller CPU %,
//     RSS, cycles, late and skipped polls, sockets.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SnmpSessionPool } from '@sonde/snmp/session/snmp-session-pool';
import { walkColumns } from '@sonde/snmp/walk/table-walk';
import type { PollTarget } from '@sonde/snmp/poll/device-poller';
import { SnmpPoller } from '@sonde/snmp-poller/snmp-poller';
import { snmpPollerConfigSchema } from '@sonde/snmp-poller/snmp-poller.config';

interface LabDevice { id: string; address: string; port: number; community: string }

const HERE = path.dirname(new URL(import.meta.url).pathname);
const CPU_DEVICES = Number(process.env.BENCH_CPU_DEVICES ?? 20);
const SCALE_DEVICES = Number(process.env.BENCH_SCALE_DEVICES ?? 1000);
const SCALE_INTERVALS = Number(process.env.BENCH_SCALE_INTERVALS ?? 2);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 60_000);
const TARGET_VARBINDS = 200_000;

async function startLab(devices: number): Promise<{ devices: LabDevice[]; stop: () => void; pid: number }> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', path.join(HERE, 'lab-agents.ts'), String(devices), '48'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`lab exited ${code}`)));
  });
  return { devices: JSON.parse(line) as LabDevice[], stop: () => child.kill('SIGTERM'), pid: child.pid ?? 0 };
}

function toTarget(d: LabDevice, intervalMs: number): PollTarget {
  return {
    device: { id: d.id, address: d.address },
    snmp: { device: d.id, address: d.address, port: d.port, credential: { version: 'v2c', community: d.community }, timeoutMs: 5000, retries: 2, backoff: 1.5 },
    intervalMs,
    maxRepetitions: 25,
  };
}

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
/** CPU of waited-for children (snmpbulkwalk): /proc/self/stat cutime + cstime, in clock ticks. */
function childrenCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}
const IF_COLUMNS = ['1.3.6.1.2.1.2.2', '1.3.6.1.2.1.31.1.1'];

async function cpuPerVarbind(): Promise<void> {
  const lab = await startLab(CPU_DEVICES);
  try {
    const config = snmpPollerConfigSchema.parse({});
    const targets = lab.devices.map((d) => toTarget(d, INTERVAL_MS));

    // (a) the poller's full cycle
    const poller = new SnmpPoller({ config, bus: { publish: async () => undefined }, origin: { site: 'bench', collector: 'bench' } });
    await Promise.all(targets.map((t) => poller.cycle(t))); // warm-up: sessions, JIT
    let varbinds = 0;
    let cpu0 = process.cpuUsage();
    let t0 = Date.now();
    while (varbinds < TARGET_VARBINDS) {
      const outcomes = await Promise.all(targets.map((t) => poller.cycle(t)));
      for (const o of outcomes) varbinds += o.status.varbinds;
    }
    const pollerCpu = cpuSeconds(process.cpuUsage(cpu0));
    const pollerWall = (Date.now() - t0) / 1000;
    await poller.stop();
    console.log(`| poller, full cycle (default profile, v2c) | ${varbinds} | ${pollerCpu.toFixed(2)} | ${(pollerCpu / varbinds * 1e5).toFixed(2)} | ${pollerWall.toFixed(1)} |`);

    // (b) the bare walk of ifTable + ifXTable (subtree walks, as snmpbulkwalk does)
    const pool = new SnmpSessionPool();
    const sessions = await Promise.all(targets.map((t) => pool.session(t.snmp)));
    varbinds = 0;
    cpu0 = process.cpuUsage();
    t0 = Date.now();
    while (varbinds < TARGET_VARBINDS) {
      const results = await Promise.all(sessions.flatMap((s) => IF_COLUMNS.map((c) => walkColumns(s, [c], { maxRepetitions: 25, varbindBudget: 25, maxVarbinds: 1e6 }))));
      for (const r of results) varbinds += r.varbinds;
    }
    const walkCpu = cpuSeconds(process.cpuUsage(cpu0));
    const walkWall = (Date.now() - t0) / 1000;
    await pool.close();
    console.log(`| libs/snmp walk of ifTable+ifXTable (GETBULK ×25, v2c) | ${varbinds} | ${walkCpu.toFixed(2)} | ${(walkCpu / varbinds * 1e5).toFixed(2)} | ${walkWall.toFixed(1)} |`);

    // (c) snmpbulkwalk, same tables, same agents, same max-repetitions
    varbinds = 0;
    const c0 = childrenCpuSeconds();
    t0 = Date.now();
    while (varbinds < TARGET_VARBINDS) {
      for (const d of lab.devices) {
        for (const c of IF_COLUMNS) {
          const out = spawnSync('snmpbulkwalk', ['-v2c', '-c', d.community, '-Cr25', '-On', '-Oe', '-Ot', `${d.address}:${d.port}`, c], {
            encoding: 'utf8', env: { ...process.env, MIBS: '', MIBDIRS: '/nonexistent' }, maxBuffer: 1 << 26,
          });
          varbinds += out.stdout.split('\n').filter((l) => l.startsWith('.')).length;
        }
      }
    }
    const toolCpu = childrenCpuSeconds() - c0;
    const toolWall = (Date.now() - t0) / 1000;
    console.log(`| snmpbulkwalk (Net-SNMP 5.9 C, -Cr25), one process per walk | ${varbinds} | ${toolCpu.toFixed(2)} | ${(toolCpu / varbinds * 1e5).toFixed(2)} | ${toolWall.toFixed(1)} |`);
  } finally {
    lab.stop();
  }
}

async function scale(): Promise<void> {
  const lab = await startLab(SCALE_DEVICES);
  try {
    const shared = Number(process.env.BENCH_SHARED_SOCKETS ?? 4);
    const config = snmpPollerConfigSchema.parse({ intervalMs: INTERVAL_MS, timeoutMs: 5000, retries: 2, sockets: { shared } });
    const poller = new SnmpPoller({ config, bus: { publish: async () => undefined }, origin: { site: 'bench', collector: 'bench' } });
    poller.setTargets(lab.devices.map((d) => toTarget(d, INTERVAL_MS)));
    let rssMax = 0;
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 500);
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    poller.start();
    const runMs = SCALE_INTERVALS * INTERVAL_MS + 5000;
    await new Promise((r) => setTimeout(r, runMs));
    const cpu = cpuSeconds(process.cpuUsage(cpu0));
    const wall = (Date.now() - t0) / 1000;
    clearInterval(sampler);
    const stats = poller.pool.stats();
    const totals = { ...poller.totals };
    const fds = spawnSync('bash', ['-c', `ls /proc/${process.pid}/fd | wc -l`], { encoding: 'utf8' }).stdout.trim();
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapMiB = process.memoryUsage().heapUsed / 1048576;
    await poller.stop();
    console.log(`| devices × interfaces | ${SCALE_DEVICES} × 48 |`);
    console.log(`| interval, run length | ${INTERVAL_MS / 1000} s, ${wall.toFixed(0)} s (${SCALE_INTERVALS} intervals) |`);
    console.log(`| cycles completed | ${totals.cycles} (expected ≈ ${SCALE_DEVICES * SCALE_INTERVALS}) |`);
    console.log(`| varbinds | ${totals.varbinds} (${(totals.varbinds / wall).toFixed(0)}/s) |`);
    console.log(`| poller CPU | ${cpu.toFixed(1)} s = ${(cpu / wall * 100).toFixed(1)} % of one core |`);
    console.log(`| poller RSS (max) | ${(rssMax / 1048576).toFixed(0)} MiB |`);
    console.log(`| late polls (> ${config.lateAfterMs} ms after slot) | ${totals.late} |`);
    console.log(`| skipped polls (busy/behind) | ${totals.skipped} |`);
    console.log(`| poller heap after GC (sessions, counter cache for every interface counter) | ${gc ? heapMiB.toFixed(0) + ' MiB' : 'run with --expose-gc'} |`);
    console.log(`| UDP sockets for ${stats.open} sessions (sockets.shared = ${shared}) | ${stats.transport?.sockets ?? stats.open} (process FDs while polling: ${fds}) |`);
    console.log(`| events built | ${totals.events} |`);
  } finally {
    lab.stop();
  }
}

const part = process.argv[2] ?? 'all';
if (part === 'cpu' || part === 'all') {
  console.log('\n## CPU per 100 000 varbinds\n');
  console.log('| what | varbinds | CPU s | CPU s / 100k varbinds | wall s |');
  console.log('|---|---|---|---|---|');
  await cpuPerVarbind();
}
if (part === 'scale' || part === 'all') {
  console.log('\n## Scale run\n');
  console.log('| | |');
  console.log('|---|---|');
  await scale();
}
process.exit(0);
