import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@sonde/testing/real-services';

// The built `sonde up` with its lab and the alert engine: the lab's outage takes an interface of
// lab-switch-2 down, then stops lab-router-1's agent (lab-switch-2's parent); the alerts must fire,
// the child's be inhibited, and all resolve — as rows in alert_state. Periods and `for:` are
// shortened through the config; every wait is a bounded wait for a condition.

const run = promisify(execFile);
const SONDE = path.join(REPO_ROOT, 'services/standalone/dist/main.js');

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

interface Row {
  device_id: string;
  rule_id: string;
  transition: string;
  state: string;
  inhibited_by: string[];
  fingerprint: string;
  transition_id: string;
}

async function rows(dataDir: string): Promise<Row[]> {
  const { stdout } = await run(
    process.execPath,
    [SONDE, 'query', 'SELECT device_id, rule_id, transition, state, inhibited_by, fingerprint, transition_id FROM alert_state ORDER BY ts, transition_id', '--json', '--data', dataDir],
    { cwd: REPO_ROOT, timeout: 60_000 },
  );
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 150_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe('sonde up: the lab outage raises alerts that fire, get inhibited and resolve (alert_state)', () => {
  let child: ChildProcess | undefined;
  afterAll(() => child?.kill('SIGKILL'));

  it('fires InterfaceDown on the child, mutes it while the parent is down, resolves both', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sonde-up-alerts-'));
    const configFile = path.join(dataDir, 'sonde.yaml');
    const ruleFile = path.join(dataDir, 'extra-rules.yaml');
    writeFileSync(ruleFile, 'rules: [ { id: cpu-high, type: threshold, metric: hrProcessorLoad, threshold: 99, for: 10m } ]\n');
    const syslogPort = await freePort();
    const trapPort = await freePort();
    writeFileSync(
      configFile,
      [
        'site: e2e',
        'lab:',
        '  devices: 2',
        '  interfaces: 2',
        '  outages: { firstAfterMs: 1000, everyMs: 600000, deviceDownAfterMs: 15000, deviceDownMs: 25000, interfaceDownMs: 60000, ifIndex: 2 }',
        'snmpPoller: { intervalMs: 2000, timeoutMs: 300, retries: 0 }',
        `syslogReceiver: { udp: { port: ${syslogPort} }, tcp: { port: ${syslogPort} } }`,
        `trapReceiver: { listen: [{ address: 127.0.0.1, port: ${trapPort} }] }`,
        // any free port: another suite's `sonde up` may hold the default 8123 at the same time
        'clickhouseHttp: { port: 0 }',
        'alertEngine:',
        '  tickIntervalMs: 500',
        '  defaultRules: false',
        `  ruleFiles: [${JSON.stringify(ruleFile)}]`,
        '  watchRuleFiles: false',
        '  rules:',
        '    - { id: interface-down, type: state, state: interface-down, for: 2s }',
        '    - { id: snmp-poll-failing, type: state, state: poll-failing, cycles: 2, severity: critical, inhibits: { sameDevice: [snmp.metric], children: true } }',
      ].join('\n'),
    );
    child = spawn(process.execPath, [SONDE, 'up', '--plain', '--port', '0', '--data', dataDir, '--config', configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));
    await until('sonde up to be ready', async () => (/ready at (\S+)/.test(out) ? true : child?.exitCode != null ? true : undefined), 60_000);
    const url = /ready at (\S+)/.exec(out)?.[1];
    if (!url) throw new Error(`sonde up did not start:\n${out}`);

    const find = (rs: Row[], device: string, rule: string, transition: string) => rs.find((r) => r.device_id === device && r.rule_id === rule && r.transition === transition);
    const firing = await until('InterfaceDown firing on lab-switch-2', async () => find(await rows(dataDir), 'lab-switch-2', 'interface-down', 'firing'));
    expect(firing.inhibited_by).toEqual([]);
    const parentDown = await until('SnmpPollFailing firing on lab-router-1', async () => find(await rows(dataDir), 'lab-router-1', 'snmp-poll-failing', 'firing'));
    const inhibited = await until('the child alert inhibited', async () => find(await rows(dataDir), 'lab-switch-2', 'interface-down', 'inhibited'));
    expect(inhibited).toMatchObject({ state: 'firing', inhibited_by: [parentDown.fingerprint], fingerprint: firing.fingerprint });
    // the status screen lists the active alerts, the muted one marked
    const status = await run(process.execPath, [SONDE, 'status', '--data', dataDir], { cwd: REPO_ROOT, timeout: 60_000 });
    expect(status.stdout).toMatch(/interface-down on lab-switch-2 .*\(muted: inhibited\)/);

    // reload through the CLI: a bad file is refused with the reason (the old rules keep running), a good one applies
    writeFileSync(ruleFile, 'rules: [ { id: cpu-high, type: threshold, metric: hrProcessorLoad, threshold: high } ]\n');
    const refused = await run(process.execPath, [SONDE, 'rules', 'reload', '--data', dataDir], { cwd: REPO_ROOT, timeout: 60_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code?: number; stderr?: string }) => ({ code: e.code ?? 1, stderr: e.stderr ?? '' }),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('422');
    expect(refused.stderr).toContain(`${ruleFile}: rules[0] (rule cpu-high).threshold`);
    writeFileSync(ruleFile, 'rules: [ { id: cpu-high, type: threshold, metric: hrProcessorLoad, threshold: 99 }, { id: cpu-busy, type: threshold, metric: hrProcessorLoad, threshold: 98 } ]\n');
    const reloaded = await run(process.execPath, [SONDE, 'rules', 'reload', '--data', dataDir], { cwd: REPO_ROOT, timeout: 60_000 });
    expect(reloaded.stdout).toContain('rules reloaded: 4 rules');

    await until('the parent resolved', async () => find(await rows(dataDir), 'lab-router-1', 'snmp-poll-failing', 'resolved'));
    await until('the child no longer muted', async () => find(await rows(dataDir), 'lab-switch-2', 'interface-down', 'uninhibited'));
    await until('the child resolved', async () => find(await rows(dataDir), 'lab-switch-2', 'interface-down', 'resolved'));

    // one row per transition: ids unique, the series' sequence numbers consecutive
    const all = (await rows(dataDir)).filter((r) => r.fingerprint === firing.fingerprint);
    expect(new Set(all.map((r) => r.transition_id)).size).toBe(all.length);
    expect(all.map((r) => Number(r.transition_id.split(':')[1])).sort((a, b) => a - b)).toEqual(all.map((_, i) => i + 1));
    expect(all.map((r) => r.transition)).toEqual(['pending', 'firing', 'inhibited', 'uninhibited', 'resolved']);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    child = undefined;
  }, 300_000);
});
