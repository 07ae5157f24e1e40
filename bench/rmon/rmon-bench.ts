// RMON collector benchmark (run by bench/rmon/run.sh):
//  1. CPU-seconds per 100 000 varbinds: the collector's full cycle (etherStats + HC + history
//     control + buckets + HC buckets, alarm/event/log, RMON2 probes; samples, rates, shares,
//     bucket diffing, events) vs Net-SNMP's snmpbulkwalk (C) walking the same RMON tables of the
//     same lab probes. Probes run in another process.
//  2. Scale: N probes × 8 data sources on a 60 s interval: the first read of every probe (every
//     bucket held, outside the schedule), then scheduled intervals, one row each: cycles,
//     varbinds, collector CPU (% of one core, ms per cycle), late and skipped polls, RSS, load.
//     env: BENCH_SCALE_DEVICES=2000 BENCH_SCALE_INTERVALS=3 BENCH_LAB_PROCESSES=2 BENCH_LAB_UPTIME_S=120
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { PollTarget } from '@sonde/snmp/poll/device-poller';
import { RmonCollector } from '@sonde/rmon-collector/rmon-collector';
import { rmonCollectorConfigSchema } from '@sonde/rmon-collector/rmon-collector.config';

interface LabDevice { id: string; address: string; port: number; community: string }

const HERE = path.dirname(new URL(import.meta.url).pathname);
const CPU_DEVICES = Number(process.env.BENCH_CPU_DEVICES ?? 20);
const SCALE_DEVICES = Number(process.env.BENCH_SCALE_DEVICES ?? 2000);
const SCALE_INTERVALS = Number(process.env.BENCH_SCALE_INTERVALS ?? 3);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 60_000);
const SOURCES = 8;
const TARGET_VARBINDS = 200_000;

async function startLab(devices: number, uptimeS = 3600): Promise<{ devices: LabDevice[]; stop: () => void }> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', path.join(HERE, 'lab-probes.ts'), String(devices), String(SOURCES), String(uptimeS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`lab exited ${code}`)));
  });
  return { devices: JSON.parse(line) as LabDevice[], stop: () => child.kill('SIGTERM') };
}

function toTarget(d: LabDevice): PollTarget {
  return {
    device: { id: d.id, address: d.address },
    snmp: { device: d.id, address: d.address, port: d.port, credential: { version: 'v2c', community: d.community }, timeoutMs: 5000, retries: 2, backoff: 1.5 },
    intervalMs: INTERVAL_MS,
    maxRepetitions: 25,
  };
}

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
function childrenCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}
/** The RMON subtrees the collector reads: etherStats, HC stats, history control, buckets, HC buckets, alarm, event+log. */
const RMON_SUBTREES = ['1.3.6.1.2.1.16.1.1', '1.3.6.1.2.1.16.1.7', '1.3.6.1.2.1.16.2.1', '1.3.6.1.2.1.16.2.2', '1.3.6.1.2.1.16.2.6', '1.3.6.1.2.1.16.3', '1.3.6.1.2.1.16.9'];

async function cpuPerVarbind(): Promise<void> {
  const lab = await startLab(CPU_DEVICES);
  try {
    const config = rmonCollectorConfigSchema.parse({ intervalMs: INTERVAL_MS });
    const targets = lab.devices.map(toTarget);
    let events = 0;
    const c = new RmonCollector({ config, bus: { publish: async (e) => void (events += e.length) }, origin: { site: 'bench', collector: 'bench' } });
    await Promise.all(targets.map((t) => c.cycle(t))); // warm-up: sessions, JIT
    const v0 = c.totals.varbinds;
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    while (c.totals.varbinds - v0 < TARGET_VARBINDS) await Promise.all(targets.map((t) => c.cycle(t)));
    const cpu = cpuSeconds(process.cpuUsage(cpu0));
    const wall = (Date.now() - t0) / 1000;
    const varbinds = c.totals.varbinds - v0;
    await c.stop();
    console.log(`| rmon-collector steady cycle (walks, history from the cursor, samples, rates, shares, events) | ${varbinds} | ${cpu.toFixed(2)} | ${(cpu / varbinds * 1e5).toFixed(2)} | ${wall.toFixed(1)} |`);

    let toolVarbinds = 0;
    const tc0 = childrenCpuSeconds();
    const tw0 = Date.now();
    while (toolVarbinds < TARGET_VARBINDS) {
      for (const d of lab.devices) {
        for (const s of RMON_SUBTREES) {
          const out = spawnSync('snmpbulkwalk', ['-v2c', '-c', d.community, '-Cr25', '-On', '-Oe', '-Ot', `${d.address}:${d.port}`, s], { encoding: 'utf8', env: { ...process.env, MIBS: '', MIBDIRS: '/nonexistent' }, maxBuffer: 64 << 20 });
          toolVarbinds += out.stdout.split('\n').filter((l) => l.includes(' = ')).length;
        }
      }
    }
    const toolCpu = childrenCpuSeconds() - tc0;
    const toolWall = (Date.now() - tw0) / 1000;
    console.log(`| snmpbulkwalk (Net-SNMP 5.9 C, -Cr25) of the same RMON subtrees, one process per walk | ${toolVarbinds} | ${toolCpu.toFixed(2)} | ${(toolCpu / toolVarbinds * 1e5).toFixed(2)} | ${toolWall.toFixed(1)} |`);
    console.log(`\nratio collector / snmpbulkwalk, CPU per varbind: ${((cpu / varbinds) / (toolCpu / toolVarbinds)).toFixed(2)}; events built: ${events}`);
  } finally {
    lab.stop();
  }
}

/** Lab processes for the scale run (the lab, not the collector, is the heavier side), and the probes' uptime at start. */
const LAB_PROCESSES = Number(process.env.BENCH_LAB_PROCESSES ?? 2);
const LAB_UPTIME_S = Number(process.env.BENCH_LAB_UPTIME_S ?? 120);
const WARMUP_CONCURRENCY = Number(process.env.BENCH_WARMUP_CONCURRENCY ?? 100);

async function scale(): Promise<void> {
  const load0 = os.loadavg();
  const labT0 = Date.now();
  const per = Math.ceil(SCALE_DEVICES / LAB_PROCESSES);
  const labs = await Promise.all(Array.from({ length: LAB_PROCESSES }, (_, k) => startLab(Math.min(per, SCALE_DEVICES - k * per), LAB_UPTIME_S)));
  const labStartS = (Date.now() - labT0) / 1000;
  // device ids repeat across lab processes: prefix them
  const devices = labs.flatMap((l, k) => l.devices.map((d) => ({ ...d, id: `l${k}-${d.id}` })));
  try {
    const config = rmonCollectorConfigSchema.parse({ intervalMs: INTERVAL_MS, timeoutMs: 5000, retries: 2 });
    const c = new RmonCollector({ config, bus: { publish: async () => undefined }, origin: { site: 'bench', collector: 'bench' } });
    const targets = devices.map(toTarget);
    console.log(`probes × data sources: ${SCALE_DEVICES} × ${SOURCES} (30 s history buckets, up to 50 held; probes up ${LAB_UPTIME_S} s at start, so ${Math.min(50, Math.floor(LAB_UPTIME_S / 30))} held then, 2 new per interval); interval ${INTERVAL_MS / 1000} s; ${LAB_PROCESSES} lab processes, started in ${labStartS.toFixed(0)} s`);
    console.log(`load average (1/5/15 min) before lab start: ${load0.map((x) => x.toFixed(1)).join(' / ')}; cores: ${os.availableParallelism()}`);
    let rssMax = 0;
    const rss = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 500);

    // first read of every probe (every bucket it holds; sets the history cursors), WARMUP_CONCURRENCY at a time
    const w0 = { ...c.totals, cpu: cpuSeconds(process.cpuUsage()), at: Date.now() };
    let next = 0;
    await Promise.all(Array.from({ length: WARMUP_CONCURRENCY }, async () => {
      while (next < targets.length) await c.cycle(targets[next++]!);
    }));
    const wCpu = cpuSeconds(process.cpuUsage()) - w0.cpu;
    console.log(`first read of all probes (outside the schedule, ${WARMUP_CONCURRENCY} at a time): ${((Date.now() - w0.at) / 1000).toFixed(0)} s wall, ${c.totals.varbinds - w0.varbinds} varbinds (${((c.totals.varbinds - w0.varbinds) / targets.length).toFixed(0)}/probe), collector CPU ${wCpu.toFixed(1)} s (${(wCpu / targets.length * 1000).toFixed(2)} ms/probe), load 1m ${os.loadavg()[0]!.toFixed(1)}`);
    console.log('');
    console.log(`| interval (scheduled) | wall s | cycles (expected ${SCALE_DEVICES}) | varbinds | varbinds/cycle | collector CPU s | % of one core | CPU ms/cycle | late (> ${config.lateAfterMs} ms) | skipped | RSS MiB | load 1m |`);
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
    let prev = { ...c.totals, cpu: cpuSeconds(process.cpuUsage()), at: Date.now() };
    const cut = (label: string) => {
      const now = { ...c.totals, cpu: cpuSeconds(process.cpuUsage()), at: Date.now() };
      const cycles = now.cycles - prev.cycles;
      const cpu = now.cpu - prev.cpu;
      const wall = (now.at - prev.at) / 1000;
      console.log(`| ${label} | ${wall.toFixed(0)} | ${cycles} | ${now.varbinds - prev.varbinds} | ${cycles ? ((now.varbinds - prev.varbinds) / cycles).toFixed(0) : '-'} | ${cpu.toFixed(1)} | ${(cpu / wall * 100).toFixed(1)} | ${cycles ? (cpu / cycles * 1000).toFixed(2) : '-'} | ${now.late - prev.late} | ${now.skipped - prev.skipped} | ${(process.memoryUsage().rss / 1048576).toFixed(0)} | ${os.loadavg()[0]!.toFixed(1)} |`);
      prev = now;
    };
    c.setTargets(targets);
    c.start();
    for (let k = 1; k <= SCALE_INTERVALS; k++) {
      await new Promise((r) => setTimeout(r, INTERVAL_MS));
      cut(String(k));
    }
    clearInterval(rss);
    const totals = { ...c.totals };
    console.log('');
    console.log(`max RSS ${(rssMax / 1048576).toFixed(0)} MiB; totals: cycles ${totals.cycles}, late ${totals.late}, skipped ${totals.skipped}, events built ${totals.events}; load average after: ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}`);
    await c.stop();
  } finally {
    for (const l of labs) l.stop();
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
  await scale();
}
