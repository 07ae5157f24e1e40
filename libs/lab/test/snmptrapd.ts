import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Debian's snmptrapd (Net-SNMP 5.9) as the notification receiver of the emitter tests, on a free
 * loopback port with its own config and persistent dir in a temp folder. Each notification is one
 * `SONDE source|security|enterprise|trap type|specific|varbinds` line on stdout.
 */
export interface Trapd {
  port: number;
  lines: string[];
  /** Resolves once `count` notifications matching `filter` have been logged. */
  waitFor(count: number, filter?: (line: string) => boolean): Promise<string[]>;
  stop(): Promise<void>;
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function startTrapd(configLines: string[]): Promise<Trapd> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sonde-trapd-'));
  // the config must not live in the persistent dir: snmptrapd rewrites <persistentDir>/snmptrapd.conf
  writeFileSync(path.join(dir, 'trapd.conf'), ['disableAuthorization yes', ...configLines].join('\n') + '\n');
  const port = await freeUdpPort();
  const child: ChildProcess = spawn(
    'snmptrapd',
    ['-f', '-Lo', '-n', '-On', '-C', '-c', path.join(dir, 'trapd.conf'), '-F', 'SONDE %b|%P|%N|%w|%q|%v\n',
      `--persistentDir=${path.join(dir, 'persist')}`, `udp:127.0.0.1:${port}`],
    { env: { ...process.env, MIBS: '', MIBDIRS: path.join(dir, 'no-mibs') }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  let buffered = '';
  let ready: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (ready = resolve));
  const onData = (chunk: Buffer): void => {
    buffered += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.includes('NET-SNMP version')) ready();
      if (line.startsWith('SONDE ')) lines.push(line.slice(6));
    }
    for (const w of waiters.splice(0)) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  await started;
  const trapd: Trapd = {
    port,
    lines,
    waitFor: (count, filter = () => true) =>
      new Promise((resolve) => {
        const check = (): void => {
          const hits = lines.filter(filter);
          if (hits.length >= count) resolve(hits);
          else waiters.push(check);
        };
        check();
      }),
    stop: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return trapd;
}
