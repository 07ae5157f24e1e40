import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createEvent } from '@sonde/events/create-event';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { createServer } from 'node:net';
import { icmpPrivilegeProblem } from '@sonde/icmp-prober/icmp-privilege';
import { Lab } from '@sonde/lab/lab';
import { REPO_ROOT } from '@sonde/testing/real-services';

/** A port no one listens on now (TCP and UDP are checked together by binding TCP; good enough on loopback). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const run = promisify(execFile);
const SONDE = path.join(REPO_ROOT, 'services/standalone/dist/main.js');

/** The built CLI, as a user runs it. */
async function sonde(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [SONDE, ...args], { cwd: REPO_ROOT, timeout: 60_000 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code ?? 1 };
  }
}

async function count(dataDir: string, table: string, where = '1'): Promise<number> {
  const r = await sonde(['query', `SELECT count() AS n FROM ${table} WHERE ${where}`, '--json', '--data', dataDir]);
  if (r.code !== 0) throw new Error(`sonde query failed: ${r.stderr}`);
  return Number((JSON.parse(r.stdout.trim()) as { n: string }).n);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const origin = { site: 'smoke', collector: 'smoke-test' };
const device = { id: 'smoke-1', address: '127.0.0.9' };
const published: SondeEvent[] = [
  createEvent('icmp.probe', origin, device, {
    target: '127.0.0.9', family: 4, sent: 3, received: 3, lossPct: 0, rttMinMs: 0.1, rttAvgMs: 0.2, rttMaxMs: 0.3,
    rttStddevMs: 0.1, errors: {}, reachability: 'up',
  }),
  createEvent('snmp.metric', origin, device, { group: 'smoke', samples: [{ name: 'smoke_value', labels: {}, value: 42, unit: '', type: 'gauge' }] }),
  createEvent('snmp.trap', origin, device, {
    version: 'v2c', pdu: 'trap', trapOid: '1.3.6.1.6.3.1.1.5.1', source: { address: '127.0.0.9', port: 1 }, security: {}, varbinds: [],
  }),
  createEvent('syslog.message', origin, device, {
    facility: 1, severity: 3, format: 'rfc5424', message: 'smoke', structuredData: {}, fields: {}, timeSource: 'message',
    transport: 'udp', source: { address: '127.0.0.9', port: 1 }, truncated: false,
  }),
  createEvent('rmon.sample', origin, device, { table: 'etherStats', samples: [{ name: 'etherStatsPkts', labels: {}, value: 1, unit: '', type: 'counter' }] }),
  createEvent('alert.state', origin, device, {
    ruleId: 'r', ruleName: 'Smoke', state: 'firing', severity: 'warning', fingerprint: 'f', since: Date.now(), summary: 's', labels: {},
    annotations: {}, startsAt: Date.now(), inhibitedBy: [], flapping: false, transition: 'firing', transitionId: 'f:1',
  }),
];
const TABLES = ['icmp_probe', 'snmp_metric', 'snmp_trap', 'syslog_message', 'rmon_sample', 'alert_state'];

describe('sonde up (the built CLI, embedded adapters, lab devices)', () => {
  let child: ChildProcess | undefined;
  afterAll(() => child?.kill('SIGKILL'));

  it('starts healthy, stores what is published on its bus, and is queryable while running and after', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sonde-up-'));
    const configFile = path.join(dataDir, 'sonde.yaml');
    const syslogPort = await freePort();
    const trapPort = await freePort();
    writeFileSync(
      configFile,
      [
        'site: smoke',
        'lab:',
        '  devices: 2',
        '  interfaces: 2',
        '  traps: { perMinute: 120 }',
        '  syslog: { perMinute: 240 }',
        '  outages: { enabled: false }',
        'snmpPoller:',
        '  intervalMs: 5000',
        // the one alert.state counted below is the published one (sonde-up-alerts.int-spec.ts covers the engine)
        'alertEngine: { defaultRules: false }',
        `syslogReceiver: { udp: { port: ${syslogPort} }, tcp: { port: ${syslogPort} } }`,
        `trapReceiver: { listen: [{ address: 127.0.0.1, port: ${trapPort} }] }`,
        'clickhouseHttp: { port: 0 }',
      ].join('\n'),
    );
    child = spawn(process.execPath, [SONDE, 'up', '--plain', '--port', '0', '--data', dataDir, '--config', configFile], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));

    await until('sonde up to be ready', async () => /ready at (\S+)/.test(out) || child?.exitCode != null);
    const url = /ready at (\S+)/.exec(out)?.[1];
    if (!url) throw new Error(`sonde up did not start:\n${out}\n${err}`);

    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('sonde_event_writer_events_written_total');

    const res = await fetch(`${url}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(published),
    });
    expect(res.status).toBe(202);
    const bad = await fetch(`${url}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ ...published[0], kind: 'nope' }]),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('events[0]');

    for (const table of TABLES) {
      await until(`a row in ${table}`, async () => (await count(dataDir, table, `device_id = 'smoke-1'`)) === 1);
    }
    // the ClickHouse HTTP interface answers from the same store (clients: clickhouse-http.int-spec.ts)
    const clickhouse = /clickhouse http (\S+)/.exec(out)?.[1];
    expect(clickhouse).toBeDefined();
    const chAnswer = await fetch(`${clickhouse}/?query=${encodeURIComponent("SELECT count() FROM alert_state WHERE device_id = 'smoke-1'")}`);
    expect(await chAnswer.text()).toBe('1\n');

    // Lab traffic through every collector: polled metrics, traps and syslog from the lab's
    // devices, and ICMP probes of them when this process may open raw sockets.
    const lab = `device_id LIKE 'lab-%'`;
    await until('lab SNMP metrics', async () => (await count(dataDir, 'snmp_metric', `${lab} AND name = 'ifHCInOctets'`)) > 0);
    await until('lab traps', async () => (await count(dataDir, 'snmp_trap', lab)) > 0);
    await until('lab syslog', async () => (await count(dataDir, 'syslog_message', lab)) > 0);
    const icmpProblem = icmpPrivilegeProblem();
    if (icmpProblem === undefined) await until('lab ICMP probes', async () => (await count(dataDir, 'icmp_probe', lab)) > 0);
    else expect(out).toContain('icmp-prober is off: icmp-prober: missing capability CAP_NET_RAW');

    const status = await sonde(['status', '--data', dataDir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/alert\.state\s+\S+\s+1/);
    expect(status.stdout).toContain('Smoke on smoke-1');
    expect(status.stdout).toContain('snmp versions: v2c/noAuthNoPriv=2');

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    child = undefined;

    // Not running any more: `sonde query` opens the data folder itself and finds the same rows.
    for (const table of TABLES) expect(await count(dataDir, table, `device_id = 'smoke-1'`)).toBe(1);
  }, 300_000);

  it('`sonde validate` names the file, the path and what was expected', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sonde-validate-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, ['devices:', '  - id: r1', '    address: 10.0.0.300'].join('\n'));
    const r = await sonde(['validate', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: devices[0].address:`);
    const ok = await sonde(['validate']);
    expect(ok.code).toBe(0);
  });

  it('`sonde walk` and `sonde mib` print names, types and values from the dictionary', async () => {
    const lab = await Lab.start({ devices: 1, interfaces: 2 });
    try {
      const agent = lab.devices[0]!;
      const r = await sonde(['walk', agent.address, 'IF-MIB::ifOperStatus', '--port', String(agent.port)]);
      expect(r.stderr).toBe('');
      expect(r.stdout.trim().split('\n')).toEqual([
        'IF-MIB::ifOperStatus.1 = Integer: up(1)',
        'IF-MIB::ifOperStatus.2 = Integer: up(1)',
      ]);
      const sys = await sonde(['walk', agent.address, '1.3.6.1.2.1.1.5.0', '--port', String(agent.port)]);
      expect(sys.stdout).toContain(`SNMPv2-MIB::sysName.0 = OctetString: ${agent.name}`);
    } finally {
      await lab.close();
    }
    const lookup = await sonde(['mib', 'lookup', '1.3.6.1.2.1.2.2.1.10.3']);
    expect(lookup.stdout).toContain('IF-MIB::ifInOctets.3');
    const unknown = await sonde(['mib', 'lookup', 'NOPE-MIB::nothing']);
    expect(unknown.code).toBe(1);
  });

  it('`sonde --help` lists the commands', async () => {
    const r = await sonde(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['up', 'validate', 'query', 'status', 'walk', 'mib']) expect(r.stdout).toContain(c);
  });
});
