// Reads a bench/icmp/run.sh output folder and prints the comparison as a Markdown table:
// targets/s, CPU-seconds per 10 000 probes, RTT agreement on the answering targets, and what
// each tool saw of the unreachable ones.
//
//   node bench/icmp/compare.js OUT_DIR COUNT
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [dir, countArg] = process.argv.slice(2);
const count = Number(countArg);
const targets = fs.readFileSync(path.join(dir, 'targets.txt'), 'utf8').split('\n').filter(Boolean);
const times = fs.readFileSync(path.join(dir, 'times.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

function readFping(rep) {
  const byTarget = new Map();
  let unreachable = 0;
  for (const line of fs.readFileSync(path.join(dir, `fping-${rep}.txt`), 'utf8').split('\n')) {
    if (/ICMP Host Unreachable/.test(line)) unreachable++;
    const m = /^(\S+)\s+:\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const rtts = m[2].trim().split(/\s+/).filter((v) => v !== '-').map(Number);
    byTarget.set(m[1], { received: rtts.length, avg: rtts.length ? rtts.reduce((a, b) => a + b, 0) / rtts.length : null });
  }
  return { byTarget, unreachable };
}

function readProber(rep) {
  const byTarget = new Map();
  let unreachable = 0;
  for (const line of fs.readFileSync(path.join(dir, `prober-${rep}.txt`), 'utf8').split('\n')) {
    const m = /^(\S+) : (\d+)\/(\d+) (\S+) ?(.*)$/.exec(line.trim());
    if (!m) continue;
    for (const e of m[5].split(',').filter(Boolean)) if (e.startsWith('unreachable')) unreachable += Number(e.split('=')[1]);
    byTarget.set(m[1], { received: Number(m[2]), avg: m[4] === '-' ? null : Number(m[4]) });
  }
  return { byTarget, unreachable };
}

const reps = [...new Set(times.map((t) => t.rep))];
const rows = [];
const diffs = [];
const seen = { prober: { answered: [], unreachable: [] }, fping: { answered: [], unreachable: [] } };
for (const rep of reps) {
  const f = readFping(rep);
  const p = readProber(rep);
  for (const [tool, data] of [['fping', f], ['prober', p]]) {
    seen[tool].answered.push([...data.byTarget.values()].filter((r) => r.received === count).length);
    seen[tool].unreachable.push(data.unreachable);
  }
  for (const t of targets) {
    const a = p.byTarget.get(t);
    const b = f.byTarget.get(t);
    if (a?.avg != null && b?.avg != null) diffs.push({ prober: a.avg, fping: b.avg, diff: a.avg - b.avg });
  }
}
for (const tool of ['prober', 'fping']) {
  const ts = times.filter((t) => t.tool === tool);
  const cpu = ts.map((t) => t.user + t.sys);
  const probes = targets.length * count;
  rows.push({
    tool,
    wall: median(ts.map((t) => t.wall)),
    targetsPerSecond: median(ts.map((t) => targets.length / t.wall)),
    cpuPer10k: median(cpu.map((c) => (c / probes) * 10_000)),
    answered: median(seen[tool].answered),
    unreachable: median(seen[tool].unreachable),
  });
}
const [pr, fp] = rows;
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const out = [];
out.push(`${targets.length} targets × ${count} probes, ${reps.length} runs each (medians)`);
out.push('');
out.push('| | icmp-prober | fping -C | ratio prober/fping |');
out.push('|---|---|---|---|');
out.push(`| wall time (s) | ${fmt(pr.wall)} | ${fmt(fp.wall)} | ${fmt(pr.wall / fp.wall)} |`);
out.push(`| targets per second | ${fmt(pr.targetsPerSecond, 0)} | ${fmt(fp.targetsPerSecond, 0)} | ${fmt(pr.targetsPerSecond / fp.targetsPerSecond)} |`);
out.push(`| CPU-seconds per 10 000 probes (user+sys, whole process) | ${fmt(pr.cpuPer10k, 3)} | ${fmt(fp.cpuPer10k, 3)} | ${fmt(pr.cpuPer10k / fp.cpuPer10k)} |`);
out.push(`| targets with all ${count} replies | ${pr.answered} | ${fp.answered} | |`);
out.push(`| ICMP host-unreachable attributed to a target | ${pr.unreachable} | not reported with -q | |`);
const inProcess = reps.map((rep) => JSON.parse(fs.readFileSync(path.join(dir, `prober-${rep}.json`), 'utf8')));
out.push(`| prober CPU-seconds per 10 000 probes, probing only (process.cpuUsage, no Node start-up) | ${fmt(median(inProcess.map((j) => (j.cpuSeconds / j.probes) * 10_000)), 3)} | | |`);
out.push('');
if (diffs.length) {
  const abs = diffs.map((d) => Math.abs(d.diff));
  out.push(`RTT agreement over ${diffs.length} target-runs answered by both: median avg RTT prober ${fmt(median(diffs.map((d) => d.prober)), 3)} ms, ` +
    `fping ${fmt(median(diffs.map((d) => d.fping)), 3)} ms; prober − fping: median ${fmt(median(diffs.map((d) => d.diff)), 3)} ms, ` +
    `|Δ| p95 ${fmt(quantile(abs, 0.95), 3)} ms, max ${fmt(Math.max(...abs), 3)} ms.`);
}
process.stdout.write(out.join('\n') + '\n');
