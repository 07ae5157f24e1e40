import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@sonde/testing/real-services';

/**
 * A process that cannot open a socket it was configured to listen on cannot do its job: `sonde
 * up` and each service run alone exit at once, non-zero (3, EXIT_CODES.cannotListen), with one
 * line naming the config path — never a stack trace, never alive without listeners.
 * Needs the built CLI and services: `node node_modules/typescript/bin/tsc -b tsconfig.build.json`.
 */
const SONDE = path.join(REPO_ROOT, 'services/standalone/dist/main.js');
const service = (name: string) => path.join(REPO_ROOT, `services/${name}/dist/main.js`);
/** A bound for the exit, not a speed requirement: before the fix the process never exited. */
const EXIT_BOUND_MS = 90_000;

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runUntilExit(args: string[], cwd: string): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after ${EXIT_BOUND_MS} ms:\n${stdout}\n${stderr}`));
    }, EXIT_BOUND_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A UDP port someone else holds (exclusive, so SO_REUSEPORT cannot share it). */
async function takenUdpPort(): Promise<{ port: number; socket: Socket }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind({ port: 0, address: '127.0.0.1', exclusive: true }, resolve));
  return { port: socket.address().port, socket };
}

async function takenTcpPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  return { port: typeof a === 'object' && a ? a.port : 0, server };
}

function configFile(lines: string[]): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sonde-listen-'));
  const file = path.join(dir, 'sonde.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { dir, file };
}

describe('a socket that cannot be opened stops the process at once, naming the config path', () => {
  let udp: { port: number; socket: Socket };
  let tcp: { port: number; server: Server };
  beforeAll(async () => {
    udp = await takenUdpPort();
    tcp = await takenTcpPort();
  });
  afterAll(async () => {
    udp.socket.close();
    await new Promise((r) => tcp.server.close(r));
  });

  it('sonde up with its trap port in use exits 3 with one line naming trapReceiver.listen[0]', async () => {
    const { dir, file } = configFile([
      'lab: { devices: 0 }',
      'clickhouseHttp: { port: 0 }',
      'syslogReceiver: { udp: { port: 0 }, tcp: { port: 0 } }',
      `trapReceiver: { listen: [{ address: 127.0.0.1, port: ${udp.port} }] }`,
    ]);
    const r = await runUntilExit([SONDE, 'up', '--plain', '--port', '0', '--data', path.join(dir, 'data'), '--config', file], dir);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe(
      `sonde up: cannot listen on udp 127.0.0.1:${udp.port} (trapReceiver.listen[0]): address already in use (another process listens there)`,
    );
    expect(r.stdout).not.toContain('ready at');
  });

  it('the trap receiver alone exits 3 naming trapReceiver.listen[1]', async () => {
    const { dir, file } = configFile([
      'telemetry: { http: { port: 0 } }',
      `trapReceiver: { listen: [{ address: 127.0.0.1, port: 0 }, { address: 127.0.0.1, port: ${udp.port} }] }`,
    ]);
    const r = await runUntilExit([service('trap-receiver'), '--config', file], dir);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe(
      `trap-receiver: cannot listen on udp 127.0.0.1:${udp.port} (trapReceiver.listen[1]): address already in use (another process listens there)`,
    );
  });

  it('the syslog receiver alone exits 3 naming syslogReceiver.tcp.hosts[0]', async () => {
    const { dir, file } = configFile([
      'telemetry: { http: { port: 0 } }',
      `syslogReceiver: { udp: { hosts: [127.0.0.1], port: 0 }, tcp: { hosts: [127.0.0.1], port: ${tcp.port} } }`,
    ]);
    const r = await runUntilExit([service('syslog-receiver'), '--config', file], dir);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe(
      `syslog-receiver: cannot listen on tcp 127.0.0.1:${tcp.port} (syslogReceiver.tcp.hosts[0]): address already in use (another process listens there)`,
    );
  });

  it('the syslog receiver with UDP worker threads exits 3 naming syslogReceiver.udp.hosts[0]', async () => {
    const { dir, file } = configFile([
      'telemetry: { http: { port: 0 } }',
      `syslogReceiver: { udp: { hosts: [127.0.0.1], port: ${udp.port}, workers: 2 }, tcp: { enabled: false } }`,
    ]);
    const r = await runUntilExit([service('syslog-receiver'), '--config', file], dir);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe(
      `syslog-receiver: cannot listen on udp 127.0.0.1:${udp.port} (syslogReceiver.udp.hosts[0]): address already in use (another process listens there)`,
    );
  });

  it('a service whose telemetry port is taken exits 3 naming telemetry.http.port, without a stack trace', async () => {
    const { dir, file } = configFile([
      `telemetry: { http: { host: 127.0.0.1, port: ${tcp.port} } }`,
      'trapReceiver: { listen: [{ address: 127.0.0.1, port: 0 }] }',
    ]);
    const r = await runUntilExit([service('trap-receiver'), '--config', file], dir);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe(
      `trap-receiver: cannot listen on http 127.0.0.1:${tcp.port} (telemetry.http.port): address already in use (another process listens there)`,
    );
  });
});
