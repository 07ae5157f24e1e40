import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Real syslog peers for the integration tests: util-linux `logger`, Debian `rsyslogd` (run
 * unprivileged-style with its own config, pid file and work dir; never the system service) and
 * an openssl-made CA with server and client certificates. `scripts/peers.sh install syslog`
 * installs the Debian packages.
 */
export function requireCommand(cmd: string): string {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    const p = path.join(dir, cmd);
    if (existsSync(p)) return p;
  }
  throw new Error(`${cmd} is not installed: run \`scripts/peers.sh install syslog\``);
}

/** `logger` with the given arguments; resolves when it exited 0. */
export function runLogger(args: string[]): void {
  execFileSync(requireCommand('logger'), args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
}

export interface TestPki {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** A throwaway CA, a server certificate for 127.0.0.1/localhost and a client certificate. */
export function makePki(): TestPki {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sonde-syslog-pki-'));
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=sonde-test-ca', '-keyout', f('ca.key'), '-out', f('ca.pem'));
  for (const [name, cn, ext] of [
    ['server', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth'],
    ['client', 'sonde-test-client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    writeFileSync(f(`${name}.ext`), `${ext}\n`);
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`));
    ssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f(`${name}.ext`), '-out', f(`${name}.pem`));
  }
  return { dir, ca: f('ca.pem'), serverCert: f('server.pem'), serverKey: f('server.key'), clientCert: f('client.pem'), clientKey: f('client.key') };
}

export interface Rsyslog {
  process: ChildProcess;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

/** Starts `rsyslogd -n` with `config` (a full rsyslog config; `$DIR` is replaced by its work dir). */
export async function startRsyslog(config: (dir: string) => string): Promise<Rsyslog> {
  const bin = requireCommand('rsyslogd');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sonde-rsyslog-'));
  const conf = path.join(dir, 'rsyslog.conf');
  writeFileSync(conf, `global(workDirectory="${dir}")\n${config(dir)}\n`);
  execFileSync(bin, ['-N1', '-f', conf], { stdio: 'pipe' }); // config check: fails loudly
  const logFile = path.join(dir, 'rsyslogd.out');
  const child = spawn(bin, ['-n', '-f', conf, '-i', path.join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((r) => setTimeout(r, 300));
  if (child.exitCode !== null) throw new Error(`rsyslogd exited with ${child.exitCode}: ${out}`);
  return {
    process: child,
    dir,
    log: () => out + (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
