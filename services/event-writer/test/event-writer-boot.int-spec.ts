import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@sonde/testing/real-services';

/**
 * The built event-writer started with Kafka unreachable, in an empty working directory, on
 * every data-path default (issue 11 items 7 and 11):
 *  - it stays up and keeps retrying; /health/ready is 503 and says the bus is unreachable
 *    (it used to exit with a raw KafkaJSNonRetriableError stack, and readiness said "pending 0");
 *  - nothing is created in the working directory (it used to create ./data/bus-spool);
 *  - SIGTERM still stops it cleanly.
 * The defaults are absolute (/var/lib/sonde/…): the writer runs in a private mount namespace
 * with a tmpfs on /var/lib/sonde (unshare, as root: CI is), so the real defaults are used and
 * nothing on the machine is touched. Needs `tsc -b services/event-writer`.
 */
const MAIN = path.join(REPO_ROOT, 'services/event-writer/dist/main.js');

async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const a = srv.address();
  await new Promise((r) => srv.close(r));
  return typeof a === 'object' && a ? a.port : 1;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, out: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${out().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('event-writer without a broker, in an empty working directory', () => {
  it('stays up, not ready saying the bus is unreachable, writes nothing where it was started, stops cleanly', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'sonde-writer-cwd-'));
    const configDir = mkdtempSync(path.join(tmpdir(), 'sonde-writer-config-'));
    const config = path.join(configDir, 'sonde.yaml');
    writeFileSync(config, `telemetry: { http: { host: 127.0.0.1, port: 0 } }\nbus: { type: kafka, kafka: { brokers: ["127.0.0.1:${await deadPort()}"] } }\nstore: { type: chdb }\neventWriter: { subscribeRetryInitialMs: 200, subscribeRetryMaxMs: 1000 }\n`);
    const child = spawn(
      'unshare',
      ['--mount', '--propagation', 'private', 'sh', '-c', 'mkdir -p /var/lib/sonde && mount -t tmpfs tmpfs /var/lib/sonde && exec "$0" "$@"', process.execPath, MAIN, '--config', config],
      { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const url = await until('the telemetry URL', async () => /"url":"(http:[^"]+)"/.exec(out)?.[1], 120_000, () => out);
      const detail = await until(
        'readiness to name the unreachable bus',
        async () => {
          const res = await fetch(`${url}/health/ready`);
          const text = await res.text();
          return res.status === 503 && text.includes('the bus is unreachable') ? text : undefined;
        },
        120_000,
        () => out,
      );
      expect(detail).toMatch(/not consuming: the bus is unreachable \([^)]*ECONNREFUSED[^)]*\); attempt \d+ failed, retrying in \d+ s/);
      // still retrying, still alive, a while later
      await until('a later attempt', async () => (/"attempt":[3-9]/.test(out) ? true : undefined), 120_000, () => out);
      expect(child.exitCode).toBeNull();
      // logged as a warning per attempt; never an uncaught exception
      expect(out).not.toContain('triggerUncaughtException');
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
