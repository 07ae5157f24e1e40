// RMON collector benchmark (run by bench/rmon/run.sh):
//  1. CPU-seconds per 100 000 varbinds: the collector's full cycle (etherStats + HC + history
//     control + buckets + HC buckets, alarm/event/log, RMON2 probes; samples, rates, shares,
//     bucket diffing, events) vs Net-SNMP's snmpbulkwalk (C) walking the same RMON tables of the
//     same lab probes. Probes run in another process.
//  2. Scale: N probes × 8 data sources on a 60 s interval: collector CPU % of one core, RSS,
//     cycles, late and skipped polls.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { PollTarget } from '@sonde/snmp/poll/device-poller';
import { RmonCollector } from '@sonde/rmon-collector/rmon-collector';
import { rmonCollectorConfigSchema } from '@sonde/rmon-collector/rmon-collector.config';

interface LabDevice { id: string; address: string; port: number; community: string }

const HERE = path.dirname(new URL(import.meta.url).pathname);
const CPU_DEVICES = Number(process.env.BENCH_CPU_DEVICES ?? 20);
const SCALE_DEVICES = Number(process.env.BENCH_SCALE_DEVICES ?? 2000);
const SCALE_INTERVALS = Number(process.env.BENCH_SCALE_INTERVALS ?? 2);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 60_000);
const SOURCES = 8;
const TARGET_VARBINDS = 200_000;

async function startLab(devices: number): Promise<{ devices: LabDevice[]; stop: () => void }> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', path.join(HERE, 'lab-probes.ts'), String(devices), String(SOURCES)], { stdio: ['ignore', 'pipe', 'inherit'] });
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
    console.log(`| rmon-collector full cycle (walks, samples, rates, shares, bucket diff, events) | ${varbinds} | ${cpu.toFixed(2)} | ${(cpu / varbinds * 1e5).toFixed(2)} | ${wall.toFixed(1)} |`);

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

async function scale(): Promise<void> {
  const lab = await startLab(SCALE_DEVICES);
  try {
    const config = rmonCollectorConfigSchema.parse({ intervalMs: INTERVAL_MS, timeoutMs: 5000, retries: 2 });
    const c = new RmonCollector({ config, bus: { publish: async () => undefined }, origin: { site: 'bench', collector: 'bench' } });
    c.setTargets(lab.devices.map(toTarget));
    let rssMax = 0;
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 500);
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    c.start();
    await new Promise((r) => setTimeout(r, SCALE_INTERVALS * INTERVAL_MS + 5000));
    const cpu = cpuSeconds(process.cpuUsage(cpu0));
    const wall = (Date.now() - t0) / 1000;
    clearInterval(sampler);
    const totals = { ...c.totals };
    await c.stop();
    console.log(`| probes × data sources | ${SCALE_DEVICES} × ${SOURCES} (50 history buckets each) |`);
    console.log(`| interval, run length | ${INTERVAL_MS / 1000} s, ${wall.toFixed(0)} s (${SCALE_INTERVALS} intervals) |`);
    console.log(`| cycles completed | ${totals.cycles} (expected ≈ ${SCALE_DEVICES * SCALE_INTERVALS}) |`);
    console.log(`| varbinds | ${totals.varbinds} (${(totals.varbinds / wall).toFixed(0)}/s) |`);
    console.log(`| collector CPU | ${cpu.toFixed(1)} s = ${(cpu / wall * 100).toFixed(1)} % of one core |`);
    console.log(`| collector RSS (max) | ${(rssMax / 1048576).toFixed(0)} MiB |`);
    console.log(`| late polls (> ${config.lateAfterMs} ms after slot) | ${totals.late} |`);
    console.log(`| skipped polls (busy/behind) | ${totals.skipped} |`);
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
