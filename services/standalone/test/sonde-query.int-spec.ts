import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startSnmpd, type SnmpdPeer } from '@sonde/testing/snmpd-peer';
import { REPO_ROOT } from '@sonde/testing/real-services';

/**
 * `sonde query` / `sonde status` find the running `sonde up` from its data folder whatever its
 * port, and without `--data` from any directory; `sonde walk -On` prints what `snmpbulkwalk -On`
 * prints for Debian's snmpd. Each child gets its own TMPDIR, so the `sonde up`s other suites
 * run at the same time are not in its registry of running instances.
 * Needs the built CLI: `node node_modules/typescript/bin/tsc -b services/standalone`.
 */
const SONDE = path.join(REPO_ROOT, 'services/standalone/dist/main.js');
const run = promisify(execFile);

async function sonde(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [SONDE, ...args], { cwd, env: { ...process.env, ...env }, timeout: 120_000 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code ?? 1 };
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('sonde query / status find the running sonde up', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sonde-query-'));
  const env = { TMPDIR: path.join(root, 'tmp') };
  const dataDir = path.join(root, 'D');
  const elsewhere = path.join(root, 'elsewhere');
  let child: ChildProcess | undefined;
  let out = '';

  beforeAll(async () => {
    mkdirSync(env.TMPDIR, { recursive: true });
    mkdirSync(elsewhere, { recursive: true });
    const config = path.join(root, 'sonde.yaml');
    writeFileSync(config, 'syslogReceiver: { udp: { port: 0 }, tcp: { port: 0 } }\ntrapReceiver: { listen: [{ address: 127.0.0.1, port: 0 }] }\nclickhouseHttp: { port: 0 }\n');
    child = spawn(process.execPath, [SONDE, 'up', '--plain', '--no-lab', '--port', '0', '--data', dataDir, '--config', config], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    await until('sonde up to be ready', () => /ready at /.test(out) || child?.exitCode != null);
    if (!/ready at /.test(out)) throw new Error(`sonde up did not start:\n${out}`);
  });

  afterAll(async () => {
    if (child && child.exitCode == null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('with --data D: through the running instance, not chDB under its feet', async () => {
    const r = await sonde(['query', 'SELECT count() AS n FROM syslog_message', '--json', '--data', dataDir], elsewhere, env);
    expect(r).toEqual({ stdout: '{"n":"0"}\n', stderr: '', code: 0 });
  });

  it('without --data, from another directory: the one running instance, saying which', async () => {
    const r = await sonde(['query', 'SELECT count() AS n FROM syslog_message', '--json'], elsewhere, env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{"n":"0"}\n');
    expect(r.stderr).toMatch(new RegExp(`^sonde query: reading the running \`sonde up\` \\(pid ${child?.pid}, data ${dataDir}, http://127\\.0\\.0\\.1:\\d+\\); no --data given\\n$`));
    const status = await sonde(['status'], elsewhere, env);
    expect(status.code).toBe(0);
    expect(status.stdout.length).toBeGreaterThan(0);
  });

  it('the --help example runs as written', async () => {
    const help = await sonde(['query', '--help'], elsewhere, env);
    const example = /e\.g\. "([^"]+)"/.exec(help.stdout.replace(/\s+/g, ' '))?.[1];
    expect(example).toBeDefined();
    const r = await sonde(['query', example ?? '', '--data', dataDir], elsewhere, env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('a query while sonde up is still starting', () => {
  it('waits for its API instead of failing on the folder chDB holds', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sonde-query-starting-'));
    const env = { TMPDIR: path.join(root, 'tmp') };
    mkdirSync(env.TMPDIR, { recursive: true });
    const dataDir = path.join(root, 'D');
    const config = path.join(root, 'sonde.yaml');
    writeFileSync(config, 'syslogReceiver: { udp: { port: 0 }, tcp: { port: 0 } }\ntrapReceiver: { listen: [{ address: 127.0.0.1, port: 0 }] }\nclickhouseHttp: { port: 0 }\n');
    const child = spawn(process.execPath, [SONDE, 'up', '--plain', '--port', '0', '--data', dataDir, '--config', config], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    try {
      const file = path.join(dataDir, 'sonde-up.json');
      const state = (): string | undefined => {
        try {
          return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { state?: string }).state : undefined;
        } catch {
          return undefined; // being written
        }
      };
      let first: string | undefined;
      await until('sonde up to say it is starting', () => (first = state()) !== undefined, 120_000);
      // written before chDB and the services start: seconds before the API listens
      expect(first).toBe('starting');
      const r = await sonde(['query', 'SELECT count() AS n FROM snmp_trap', '--json', '--data', dataDir], root, env);
      expect(r).toEqual({ stdout: '{"n":"0"}\n', stderr: '', code: 0 });
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe('sonde walk -On', () => {
  let snmpd: SnmpdPeer;
  beforeAll(async () => {
    snmpd = await startSnmpd();
  });
  afterAll(async () => snmpd?.stop());

  it.each(['1.3.6.1.2.1.1', '1.3.6.1.2.1.2.2.1'])('prints the numeric OIDs snmpbulkwalk -On prints for %s', async (root) => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'sonde-walk-'));
    const ours = await sonde(['walk', '127.0.0.1', root, '--port', String(snmpd.port), '--community', snmpd.community, '-On'], cwd, {});
    expect(ours.stderr).toBe('');
    const theirs = await run('snmpbulkwalk', ['-v2c', '-c', snmpd.community, '-On', '-m', '', '-M', '/nonexistent', `127.0.0.1:${snmpd.port}`, root]);
    const oids = (text: string) => text.split('\n').filter((l) => l.startsWith('.')).map((l) => l.split(' = ')[0]);
    expect(oids(ours.stdout).length).toBeGreaterThan(5);
    expect(oids(ours.stdout)).toEqual(oids(theirs.stdout));
    // and the values that do not move between two walks print alike (sysName, ifIndex, ifDescr)
    const value = (text: string, oid: string) => text.split('\n').find((l) => l.startsWith(`${oid} = `))?.split(': ').slice(1).join(': ').replace(/^"|"$/g, '');
    for (const oid of ['.1.3.6.1.2.1.1.5.0', '.1.3.6.1.2.1.2.2.1.1.1', '.1.3.6.1.2.1.2.2.1.2.1']) {
      if (oid.startsWith(`.${root}.`)) expect(value(ours.stdout, oid)).toBe(value(theirs.stdout, oid));
    }
  });
});
