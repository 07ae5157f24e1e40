import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IcmpProbePayload } from '@sonde/events/payloads/icmp-probe';
import { missingNetRawMessage } from '../src/icmp-prober-error';

/**
 * Privileges, on the real kernel: the prober needs CAP_NET_RAW and nothing else (no root), and
 * without it the start fails with a message naming exactly what is missing. The child process
 * is the built service started by start-prober.js under setpriv (util-linux).
 */
const ROOT = path.resolve(__dirname, '../../..');
const START = path.join(__dirname, 'start-prober.js');
const config = JSON.stringify({ cycleIntervalMs: 1000, probesPerCycle: 3, probeSpacingMs: 50, timeoutMs: 300, targets: [{ address: '127.0.0.1' }, { address: '::1' }] });

function startUnder(setprivArgs: string[]) {
  return spawnSync('setpriv', [...setprivArgs, '--', process.execPath, START, config, '800'], { encoding: 'utf8', cwd: ROOT, timeout: 30_000 });
}

beforeAll(() => {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', path.join(ROOT, 'services/icmp-prober')], { stdio: 'inherit' });
}, 120_000);

describe('icmp-prober privileges', () => {
  it('root without CAP_NET_RAW: start fails naming the capability', () => {
    const r = startUnder(['--inh-caps=-net_raw', '--bounding-set=-net_raw']);
    expect(r.status).toBe(3);
    expect(r.stderr.trim()).toBe(missingNetRawMessage(4));
    expect(r.stderr).toContain('missing capability CAP_NET_RAW');
    expect(r.stderr).toContain('net.ipv4.ping_group_range');
  });

  it('the service entry point (dist/main.js) refuses to boot without CAP_NET_RAW: exit 3, that message', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'icmp-prober-'));
    try {
      const file = path.join(dir, 'sonde.yaml');
      writeFileSync(file, 'site: lab\nbus:\n  type: memory\ntelemetry:\n  http:\n    host: 127.0.0.1\n    port: 0\nicmpProber:\n  targets:\n    - address: 127.0.0.1\n');
      const main = path.join(ROOT, 'services/icmp-prober/dist/main.js');
      const r = spawnSync('setpriv', ['--inh-caps=-net_raw', '--bounding-set=-net_raw', '--', process.execPath, main, '--config', file], {
        encoding: 'utf8',
        cwd: ROOT,
        timeout: 60_000,
      });
      expect(r.status).toBe(3);
      expect(r.stderr.trim().split('\n').at(-1)).toBe(missingNetRawMessage(4));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unprivileged user without capabilities: the same message', () => {
    const r = startUnder(['--reuid=65534', '--regid=65534', '--clear-groups']);
    expect(r.status).toBe(3);
    expect(r.stderr.trim()).toBe(missingNetRawMessage(4));
  });

  it('an unprivileged user with CAP_NET_RAW alone probes IPv4 and IPv6', () => {
    const r = startUnder(['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=+net_raw', '--ambient-caps=+net_raw']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const payloads = JSON.parse(r.stdout) as IcmpProbePayload[];
    for (const target of ['127.0.0.1', '::1']) {
      const first = payloads.find((p) => p.target === target && !p.transition);
      expect(first).toMatchObject({ sent: 3, received: 3, lossPct: 0, reachability: 'up' });
    }
  });
});
