import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Lab } from '@sonde/lab/lab';
import { REPO_ROOT } from '@sonde/testing/real-services';

/**
 * Issue 13 item 2 for `sonde up`: the built `sonde up` watches its config file. Lab agents (real
 * SNMP over UDP) stand in for devices; what was polled is read back from the store with
 * `sonde query`. A device added to the file is polled without a restart, a removed one stops,
 * and an invalid file is refused with the path named and changes nothing.
 */
const run = promisify(execFile);
const SONDE = path.join(REPO_ROOT, 'services/standalone/dist/main.js');
const INTERVAL_MS = 2000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

let lab: Lab;
let child: ChildProcess | undefined;
let out = '';
let dataDir: string;
let configFile: string;
let base: Record<string, unknown>;

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out (${timeoutMs} ms) waiting for ${what}\n${out.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** snmp_poll status rows stored per device. */
async function polls(): Promise<Map<string, number>> {
  const { stdout } = await run(process.execPath, [SONDE, 'query', "SELECT device_id, count() AS n FROM snmp_metric WHERE name = 'snmp_poll_reachable' GROUP BY device_id", '--json', '--data', dataDir], { cwd: REPO_ROOT, timeout: 60_000 });
  const m = new Map<string, number>();
  for (const line of stdout.trim().split('\n').filter(Boolean)) {
    const r = JSON.parse(line) as { device_id: string; n: string | number };
    m.set(r.device_id, Number(r.n));
  }
  return m;
}

function entry(i: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  const d = lab.devices[i]!;
  return { id: d.id, address: d.address, snmp: { version: 'v2c', port: d.port, credential: 'lab' }, ...over };
}

function writeConfig(devices: Record<string, unknown>[]): void {
  writeFileSync(configFile, JSON.stringify({ ...base, devices }));
}

beforeAll(async () => {
  lab = await Lab.start({ devices: 3, distinctAddresses: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'sonde-up-watch-'));
  configFile = path.join(dataDir, 'sonde.json');
  const syslogPort = await freePort();
  const trapPort = await freePort();
  base = {
    site: 'watch',
    credentials: { lab: { type: 'snmp-community', community: { value: lab.config.community } } },
    snmpPoller: { intervalMs: INTERVAL_MS, jitter: 0, timeoutMs: 300, retries: 0 },
    syslogReceiver: { udp: { hosts: ['127.0.0.1'], port: syslogPort }, tcp: { hosts: ['127.0.0.1'], port: syslogPort } },
    trapReceiver: { listen: [{ address: '127.0.0.1', port: trapPort }] },
    // any free port: another suite's `sonde up` may hold the default 8123 at the same time
    clickhouseHttp: { port: 0 },
  };
  writeConfig([entry(0)]);
  child = spawn(process.execPath, [SONDE, 'up', '--no-lab', '--plain', '--port', '0', '--data', dataDir, '--config', configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  await until('sonde up to be ready', () => {
    if (child?.exitCode != null) throw new Error(`sonde up exited ${child.exitCode}:\n${out}`);
    return /ready at \S+/.test(out) ? true : undefined;
  }, 90_000);
}, 150_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await lab?.close();
});

it('applies a changed device list without a restart; an invalid file changes nothing', async () => {
  const [d0, d1, d2] = [0, 1, 2].map((i) => lab.devices[i]!.id) as [string, string, string];
  await until(`${d0} polled and stored`, async () => ((await polls()).get(d0) ? true : undefined), 60_000);
  expect((await polls()).has(d1)).toBe(false);

  // add d1
  writeConfig([entry(0), entry(1)]);
  await until('the change applied', () => (out.includes('2 device(s) applied') ? true : undefined), 30_000);
  await until(`${d1} polled and stored`, async () => ((await polls()).get(d1) ? true : undefined), 60_000);

  // an invalid file (d2 with an impossible address): refused, named, nothing changes
  writeConfig([entry(0), entry(1), entry(2, { address: '10.0.0.300' })]);
  await until('the invalid file refused', () => (out.includes('is invalid — nothing changed') ? true : undefined), 30_000);
  expect(out).toMatch(/sonde\.json: devices\[2\]\.address: /);

  // remove d1 (d2 still absent): d1 stops, d0 goes on
  writeConfig([entry(0)]);
  await until('the removal applied', () => (out.includes('1 device(s) applied') ? true : undefined), 30_000);
  const atRemoval = await polls();
  await until(`${d0} polled 3 more times`, async () => ((await polls()).get(d0) ?? 0) >= (atRemoval.get(d0) ?? 0) + 3 ? true : undefined, 60_000);
  const after = await polls();
  // d1 stopped: at most what was in flight or not yet stored at the removal (a cycle, a batch), not
  // one poll per interval of the 3 intervals waited
  expect((after.get(d1) ?? 0) - (atRemoval.get(d1) ?? 0)).toBeLessThanOrEqual(2);
  expect(after.has(d2)).toBe(false);
}, 300_000);
