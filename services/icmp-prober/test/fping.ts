import { spawn } from 'node:child_process';

export interface FpingOptions {
  count: number;
  periodMs: number;
  timeoutMs: number;
  /** fping -i: gap between any two packets (fping 5.1 default 10 ms). */
  intervalMs?: number;
}

/**
 * Runs Debian's fping (`-C N -q`) and returns each target's RTTs in ms (null = lost). fping prints the -C lines on stderr, one per target:
 * `198.19.1.2 : 0.05 0.04 - 0.06`.
 */
export async function runFping(
  targets: readonly string[],
  opts: FpingOptions,
): Promise<{ rtts: Map<string, (number | null)[]>; stderr: string }> {
  const args = ['-C', String(opts.count), '-q', '-p', String(opts.periodMs), '-t', String(opts.timeoutMs), '-r', '0'];
  if (opts.intervalMs !== undefined) args.push('-i', String(opts.intervalMs));
  args.push('-f', '-');
  const child = spawn('fping', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => (stderr += d));
  child.stdin.end(targets.join('\n') + '\n');
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', () => resolve());
  });
  const rtts = new Map<string, (number | null)[]>();
  for (const line of stderr.split('\n')) {
    const m = /^(\S+)\s+:\s+(.*)$/.exec(line.trim());
    const [, target, values] = m ?? [];
    if (target === undefined || values === undefined) continue;
    rtts.set(target, values.trim().split(/\s+/).map((v) => (v === '-' ? null : Number(v))));
  }
  return { rtts, stderr };
}

export function fpingSummary(rtts: readonly (number | null)[]): { sent: number; received: number; avg: number | null; min: number | null } {
  const got = rtts.filter((r): r is number => r !== null);
  return {
    sent: rtts.length,
    received: got.length,
    avg: got.length ? got.reduce((a, b) => a + b, 0) / got.length : null,
    min: got.length ? Math.min(...got) : null,
  };
}
