import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@sonde/testing/real-services';

/**
 * Every service runs alone from its build (`node services/<name>/dist/main.js`): it serves
 * /health/live, /health/ready and /metrics, and stops cleanly (exit 0) on SIGTERM. Memory bus
 * and chDB here; the Kafka/ClickHouse wiring of the same modules is covered by the event-writer
 * end-to-end spec and the adapters' own suites.
 */
const SERVICES: Record<string, string[]> = {
  'event-writer': ['store:', '  type: chdb', '  chdb: { path: "%DIR%/chdb" }'],
  'snmp-poller': [],
  'rmon-collector': [],
  'trap-receiver': ['trapReceiver:', '  listen: [{ address: 127.0.0.1, port: 0 }]'],
  'syslog-receiver': ['syslogReceiver:', '  udp: { hosts: [127.0.0.1], port: 0 }', '  tcp: { hosts: [127.0.0.1], port: 0 }'],
  'icmp-prober': [],
};

function start(service: string, args: string[]) {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, `services/${service}/dist/main.js`), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ out, err }) };
}

describe('each service runs alone', () => {
  it.each(Object.keys(SERVICES))('%s: health, metrics, clean stop', async (service) => {
    const dir = mkdtempSync(path.join(tmpdir(), `sonde-${service}-`));
    const file = path.join(dir, 'sonde.yaml');
    writeFileSync(
      file,
      ['site: alone', 'telemetry:', '  http: { port: 0 }', ...(SERVICES[service] ?? [])].join('\n').replaceAll('%DIR%', dir),
    );
    const p = start(service, ['--config', file]);
    const deadline = Date.now() + 60_000;
    let url: string | undefined;
    while (!url) {
      const m = /"url":"([^"]+)"[^\n]*started/.exec(p.output().out);
      if (m?.[1]) url = m[1].replace('[::1]', '127.0.0.1');
      else if (p.child.exitCode !== null || Date.now() > deadline) throw new Error(`${service} did not start:\n${p.output().out}\n${p.output().err}`);
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('process_cpu_seconds_total');
    expect(metrics).toMatch(new RegExp(`service="${service}"`));
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    // every line on stdout is JSON (pino), with the service's name
    const lines = p.output().out.trim().split('\n');
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ service });
  }, 90_000);

  it('a bad config exits 2 naming the file and the path', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sonde-badconfig-'));
    const file = path.join(dir, 'sonde.yaml');
    writeFileSync(file, 'syslogReceiver:\n  udp: { port: 70000 }\n');
    const p = start('syslog-receiver', ['--config', file]);
    expect(await p.exited).toBe(2);
    expect(p.output().err).toContain(`${file}: syslogReceiver.udp.port:`);
  });

  it('--help prints usage and an unknown argument exits 2', async () => {
    const help = start('trap-receiver', ['--help']);
    expect(await help.exited).toBe(0);
    expect(help.output().out).toContain('usage: node dist/main.js [--config FILE]');
    const bad = start('trap-receiver', ['--nope']);
    expect(await bad.exited).toBe(2);
    expect(bad.output().err).toContain('unknown argument "--nope"');
  });
});
