import { execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/**
 * Issue 13 item 6: the OCI image built on this machine (scripts/oci-image.sh: Debian's buildah,
 * the base assembled from the machine's Node 24 and the libraries it links — no registry is
 * reachable, so no base image can be pulled) runs a service: the syslog-receiver as uid 10001
 * on the memory bus, its /health/ready answered from the host, a real datagram received.
 * Containers run with chroot isolation: crun refuses this machine's hybrid cgroup layout.
 */
const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/oci-image.sh');
const TAG = `localhost/sonde:test-${process.pid}`;

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

afterAll(() => {
  try {
    execFileSync('bash', [SCRIPT, 'rm', TAG], { stdio: 'ignore' });
  } catch {
    // not built
  }
});

it('builds the image and runs the syslog-receiver from it, non-root', async () => {
  execFileSync('bash', [SCRIPT, 'build', TAG], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], timeout: 900_000 });
  const http = await freePort();
  const syslog = await freePort();
  const env = [
    'SONDE_BUS__TYPE=memory',
    `SONDE_TELEMETRY__HTTP__PORT=${http}`,
    'SONDE_TELEMETRY__HTTP__HOST=127.0.0.1',
    `SONDE_SYSLOG_RECEIVER__UDP__PORT=${syslog}`,
    'SONDE_SYSLOG_RECEIVER__UDP__HOSTS=["127.0.0.1"]',
    'SONDE_SYSLOG_RECEIVER__TCP__ENABLED=false',
  ].flatMap((e) => ['-e', e]);
  const child = spawn('bash', [SCRIPT, 'run', TAG, ...env, '--', 'node', 'services/syslog-receiver/dist/main.js'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const deadline = Date.now() + 120_000;
    let ready: { status: number; body: string } | undefined;
    while (!ready) {
      if (child.exitCode !== null) throw new Error(`container exited ${child.exitCode}:\n${out}`);
      if (Date.now() > deadline) throw new Error(`syslog-receiver in the image did not become ready:\n${out}`);
      ready = await fetch(`http://127.0.0.1:${http}/health/ready`).then(async (r) => ({ status: r.status, body: await r.text() }), () => undefined);
      if (!ready) await new Promise((r) => setTimeout(r, 500));
    }
    expect(ready.status).toBe(200);
    // it runs as the image's user, not root: the process whose environment holds our port is uid 10001
    const uids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
      try {
        if (!readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`SONDE_TELEMETRY__HTTP__PORT=${http}`)) return [];
        if (!readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('syslog-receiver/dist/main.js')) return [];
        return [/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]];
      } catch {
        return []; // gone, or not ours to read
      }
    });
    expect(uids).toEqual(['10001']);
    // a real datagram in, counted as received
    const sock = createSocket('udp4');
    await new Promise<void>((resolve, reject) => sock.send('<13>Dec  1 23:45:00 host app: from the test', syslog, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    sock.close();
    let received = 0;
    for (let i = 0; i < 50 && received < 1; i++) {
      const text = await (await fetch(`http://127.0.0.1:${http}/metrics`)).text();
      received = [...text.matchAll(/^sonde_syslog_(?:messages_)?received_total(?:\{[^}]*\})? (\S+)$/gm)].reduce((s, m) => s + Number(m[1]), 0);
      if (received < 1) await new Promise((r) => setTimeout(r, 200));
    }
    expect(received).toBeGreaterThanOrEqual(1);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}, 1_200_000);
