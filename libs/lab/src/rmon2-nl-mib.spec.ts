import type { LabRmonSpec } from './lab-device';
import { LabMib } from './lab-mib';
import { labTestDevice } from './lab-test-device';
import { oidStartsWith, parseOid, type Oid } from './oid-order';
import { conversationCount, hostCount, LAB_CONVERSATIONS, LAB_HOSTS } from './rmon2-hosts';
import { timeTicksSince } from './lab-counters';

const RMON: LabRmonSpec = {
  historyIntervalSeconds: 30,
  historyBuckets: 5,
  burst: { everySeconds: 300, forSeconds: 30, crcErrorsPerSec: 50 },
  alarm: { intervalSeconds: 10, risingThreshold: 100, fallingThreshold: 10 },
  rmon2: true,
};
const BOOT = 1_000_000;
const NOW = BOOT + 600_000;
const mib = new LabMib();
const probe = labTestDevice({ rmon: RMON });
const NL_HOST = '1.3.6.1.2.1.16.14.2.1';
const NL_MATRIX_SD = '1.3.6.1.2.1.16.15.2.1';

/** GETNEXT from `from` while the answer stays under `prefix`. */
function walk(prefix: string, now = NOW, d = probe): Array<{ oid: string; value: unknown }> {
  const base = parseOid(prefix);
  const out: Array<{ oid: string; value: unknown }> = [];
  let at: Oid = base;
  for (;;) {
    const next = mib.next(d, at, now);
    if (!next || !oidStartsWith(next.oid, base)) return out;
    out.push({ oid: next.text, value: next.value.value });
    at = next.oid;
  }
}

describe('lab RMON2 nlHost / nlMatrix (RFC 4502)', () => {
  it('holds every host once under timeMark 0 per control row, with the values the host model gives', () => {
    for (const c of [1, 2, 3, 4]) {
      const rows = walk(`${NL_HOST}.5.${c}.0`);
      const octets = [...LAB_HOSTS].sort((a, b) => a.octet - b.octet).map((h) => h.octet);
      expect(rows.map((r) => r.oid)).toEqual(octets.map((o) => `${NL_HOST}.5.${c}.0.2.4.10.1.${c}.${o}`));
      expect(rows.map((r) => r.value)).toEqual(octets.map((o) => hostCount(probe, c, o, 'in', 'octets', NOW)));
    }
    // the hosts really move: a server's out octets grow between two readings
    const server = `${NL_HOST}.6.1.0.2.4.10.1.1.10`;
    expect(mib.get(probe, parseOid(server), NOW + 10_000)?.value).toBeGreaterThan(mib.get(probe, parseOid(server), NOW)?.value as number);
  });

  it('follows the TimeFilter: after the last row of a timeMark come the rows changed since the next one', () => {
    const lastUnder0 = parseOid(`${NL_HOST}.3.1.0.2.4.10.1.1.103`);
    expect(mib.next(probe, lastUnder0, NOW)?.text).toBe(`${NL_HOST}.3.1.1.2.4.10.1.1.1`);
    // a segment with traffic changes every tick: its rows are there under timeMark sysUpTime
    const uptime = timeTicksSince(BOOT, NOW);
    expect(mib.get(probe, parseOid(`${NL_HOST}.3.1.${uptime}.2.4.10.1.1.1`), NOW)).toBeDefined();
    expect(mib.get(probe, parseOid(`${NL_HOST}.3.1.${uptime + 1}.2.4.10.1.1.1`), NOW)).toBeUndefined();
    // interface 4 is down: its rows stopped changing when created (the gateway seen 1 s after boot)
    expect(mib.get(probe, parseOid(`${NL_HOST}.3.4.100.2.4.10.1.4.1`), NOW)).toBeDefined();
    expect(mib.get(probe, parseOid(`${NL_HOST}.3.4.101.2.4.10.1.4.1`), NOW)).toBeUndefined();
    expect(mib.next(probe, parseOid(`${NL_HOST}.3.4.1300`), NOW)?.text).toBe(`${NL_HOST}.3.4.1300.2.4.10.1.4.103`);
    // after interface 4's last timeMark the column ends: the next object is nlHostOutPkts
    expect(mib.next(probe, parseOid(`${NL_HOST}.3.4.1300.2.4.10.1.4.103`), NOW)?.text).toBe(`${NL_HOST}.4.1.0.2.4.10.1.1.1`);
  });

  it('hosts and conversations add up: out = in = the conversations, all of them the IP share of the segment', () => {
    for (const c of [1, 2, 3]) {
      for (const what of ['pkts', 'octets'] as const) {
        const out = LAB_HOSTS.reduce((s, h) => s + hostCount(probe, c, h.octet, 'out', what, NOW), 0);
        const inn = LAB_HOSTS.reduce((s, h) => s + hostCount(probe, c, h.octet, 'in', what, NOW), 0);
        const pairs = LAB_CONVERSATIONS.reduce((s, x) => s + conversationCount(probe, c, x, what, NOW), 0);
        expect(out).toBe(pairs);
        expect(inn).toBe(pairs);
        expect(pairs).toBeGreaterThan(0);
      }
      const pkts = walk(`${NL_MATRIX_SD}.4.${c}.0`);
      expect(pkts).toHaveLength(LAB_CONVERSATIONS.length);
      const first = LAB_CONVERSATIONS.find((x) => x.src === 1 && x.dst === 101)!;
      expect(pkts[0]).toEqual({ oid: `${NL_MATRIX_SD}.4.${c}.0.2.4.10.1.${c}.1.4.10.1.${c}.101`, value: conversationCount(probe, c, first, 'pkts', NOW) });
    }
  });

  it('hosts show up one by one after boot, counted by hlHostControlNlInserts; control rows active, owned, on their interface', () => {
    const early = BOOT + 4_000; // gateway (1 s), servers (2 s, 3 s)
    expect(walk(`${NL_HOST}.3.2.0`, early).map((r) => r.oid.split('.').pop())).toEqual(['1', '10', '11']);
    expect(mib.get(probe, parseOid('1.3.6.1.2.1.16.14.1.1.4.2'), early)?.value).toBe(3);
    // a conversation needs both ends: none of the clients was seen yet
    expect(walk(`${NL_MATRIX_SD}.4.2.0`, early)).toEqual([]);
    expect(mib.get(probe, parseOid('1.3.6.1.2.1.16.14.1.1.4.2'), NOW)?.value).toBe(LAB_HOSTS.length);
    expect(mib.get(probe, parseOid('1.3.6.1.2.1.16.15.1.1.4.2'), NOW)?.value).toBe(LAB_CONVERSATIONS.length);
    for (const table of ['1.3.6.1.2.1.16.14.1.1', '1.3.6.1.2.1.16.15.1.1']) {
      expect(walk(`${table}.2`).map((r) => r.value)).toEqual([1, 2, 3, 4].map((i) => `1.3.6.1.2.1.2.2.1.1.${i}`));
      expect(walk(`${table}.12`).map((r) => r.value)).toEqual([1, 1, 1, 1]);
      expect(walk(`${table}.11`).map((r) => r.value)).toEqual(['monitor', 'monitor', 'monitor', 'monitor']);
    }
  });

  it('a probe without rmon2 has none of these tables', () => {
    const plain = labTestDevice({ rmon: { ...RMON, rmon2: false } });
    for (const t of ['1.3.6.1.2.1.16.14', '1.3.6.1.2.1.16.15']) expect(walk(t, NOW, plain)).toEqual([]);
  });
});
