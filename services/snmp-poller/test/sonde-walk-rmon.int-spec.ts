import { Lab } from '@sonde/lab/lab';
import { ETHER_HISTORY_HC_TABLE, ETHER_STATS_HC_TABLE } from '@sonde/lab/rmon-mib';
import { LAB_CONVERSATIONS, LAB_HOSTS } from '@sonde/lab/rmon2-hosts';
import { loadOidDictionary } from '@sonde/snmp/mib/mib-loader';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { snmpWalk } from '../src/snmp-walk-command';
import { testConfig, V2C } from './poller-fixture';

/**
 * `sonde walk` of the RMON tables (RFC 2819 / RFC 3273: etherStats, HC, history control and
 * buckets, alarm, event, log; RFC 4502 protocol directory and distribution, probeCapabilities,
 * host and matrix control tables, nlHost and nlMatrixSD) of a lab probe equals Debian's `snmpbulkwalk` of the same agent,
 * value for value. The lab runs on a fixed clock, so both read the same instant.
 */
const now = Date.UTC(2026, 11, 1, 12, 0, 0);
let lab: Lab;
// async: the lab agents answer from this process, so the tool must not block its event loop
const snmpbulkwalk = async (args: string[]) =>
  (await promisify(execFile)('snmpbulkwalk', args, { encoding: 'utf8', env: { ...process.env, MIBS: '', MIBDIRS: '/nonexistent' }, maxBuffer: 64 << 20 })).stdout;

beforeAll(async () => {
  lab = await Lab.start({ devices: 1, interfaces: 3, initialUptimeSeconds: 400, rmon: { historyIntervalSeconds: 30, historyBuckets: 5, rmon2: true } }, { clock: () => now });
});
afterAll(async () => lab?.close());

/** snmpbulkwalk -On -OQ -Ot -Oe lines → [oid, value] in sonde walk's plain rendering. */
function parseBulkwalk(out: string): Array<[string, string]> {
  return out.split('\n').filter(Boolean).map((l) => {
    const i = l.indexOf(' = ');
    const oid = l.slice(0, i).replace(/^\./, '');
    let v = l.slice(i + 3);
    // a non-printable OCTET STRING (probeCapabilities BITS) comes quoted as hex pairs with a trailing space
    if (/^"([0-9A-F]{2} )+"$/.test(v)) v = v.slice(1, -1).trim().toLowerCase().split(' ').join(':');
    else if (/^".*"$/s.test(v)) v = v.slice(1, -1);
    else if (/^([0-9A-F]{2} )*[0-9A-F]{2} ?$/.test(v) && v.includes(' ')) v = v.trim().toLowerCase().split(' ').join(':');
    else if (v.startsWith('.')) v = v.slice(1);
    return [oid, v];
  });
}

it('sonde walk of every RMON table equals snmpbulkwalk, value for value', async () => {
  const d = lab.devices[0]!;
  // RMON2 (RFC 4502): protocolDir (16.11), protocolDist (16.12), probeConfig (16.19)
  for (const subtree of ['1.3.6.1.2.1.16.1', '1.3.6.1.2.1.16.2', '1.3.6.1.2.1.16.3', '1.3.6.1.2.1.16.9', '1.3.6.1.2.1.16.11', '1.3.6.1.2.1.16.12', '1.3.6.1.2.1.16.19']) {
    const ours = await snmpWalk({ target: d.address, port: d.port, oid: subtree, config: testConfig(), credential: V2C(d.community) });
    const theirs = parseBulkwalk(await snmpbulkwalk(['-v2c', '-c', d.community, '-On', '-OQ', '-Ot', '-Oe', `${d.address}:${d.port}`, subtree]));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.map((r) => [r.oid, r.value])).toEqual(theirs);
  }
  // RMON2 nlHost (16.14) and nlMatrix (16.15): the control tables whole; the time-filtered
  // tables per column and control row with the timeMark held (….<control>.0: every row once, and
  // under timeMark 1 the rows changed since), as a manager reads them — a plain walk of a
  // compliant TimeFilter table revisits each row once per tick of sysUpTime (libs/lab time-filter.ts)
  const nl = ['1.3.6.1.2.1.16.14.1', '1.3.6.1.2.1.16.15.1'];
  for (const c of [1, 2, 3]) {
    for (const col of [3, 4, 5, 6, 7, 8]) nl.push(`1.3.6.1.2.1.16.14.2.1.${col}.${c}.0`);
    for (const col of [4, 5, 6]) nl.push(`1.3.6.1.2.1.16.15.2.1.${col}.${c}.0`);
  }
  nl.push('1.3.6.1.2.1.16.14.2.1.5.1.1', '1.3.6.1.2.1.16.15.2.1.5.2.1');
  for (const subtree of nl) {
    const ours = await snmpWalk({ target: d.address, port: d.port, oid: subtree, config: testConfig(), credential: V2C(d.community) });
    const theirs = parseBulkwalk(await snmpbulkwalk(['-v2c', '-c', d.community, '-On', '-OQ', '-Ot', '-Oe', `${d.address}:${d.port}`, subtree]));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.map((r) => [r.oid, r.value])).toEqual(theirs);
  }
  // hosts (a 4-octet address index) and conversations (two of them) were there, with their types
  const hosts = await snmpWalk({ target: d.address, port: d.port, oid: '1.3.6.1.2.1.16.14.2.1.8.1.0', config: testConfig(), credential: V2C(d.community) });
  expect(hosts.map((r) => [r.oid.split('.').slice(-5).join('.'), r.type])).toEqual(LAB_HOSTS.map((h) => h.octet).sort((a, b) => a - b).map((o) => [`4.10.${lab.agent(d.id).device.spec.ordinal % 256}.1.${o}`, 'TimeTicks']));
  const pairs = await snmpWalk({ target: d.address, port: d.port, oid: '1.3.6.1.2.1.16.15.2.1.5.1.0', config: testConfig(), credential: V2C(d.community) });
  expect(pairs.map((r) => r.type)).toEqual(LAB_CONVERSATIONS.map(() => 'Gauge32'));

  // the walk covered buckets (2 sub-identifier index) and the 64-bit columns
  const history = await snmpWalk({ target: d.address, port: d.port, oid: '1.3.6.1.2.1.16.2.2.1.2', config: testConfig(), credential: V2C(d.community) });
  expect(history.map((r) => r.oid.split('.').slice(-2).join('.'))).toEqual(['1.9', '1.10', '1.11', '1.12', '1.13', '2.9', '2.10', '2.11', '2.12', '2.13', '3.9', '3.10', '3.11', '3.12', '3.13']);
  const hc = await snmpWalk({ target: d.address, port: d.port, oid: '1.3.6.1.2.1.16.1.7.1.4', config: testConfig(), credential: V2C(d.community) });
  expect(hc.map((r) => r.type)).toEqual(['Counter64', 'Counter64', 'Counter64']);
});

it('sonde walk names the HC-RMON-MIB (RFC 3273) columns from the OID dictionary', async () => {
  const d = lab.devices[0]!;
  const dictionary = loadOidDictionary().dictionary;
  // the lab defines each column under its RFC 3273 name; the dictionary must agree, OID for OID
  for (const [table, columns] of [['1.3.6.1.2.1.16.1.7', ETHER_STATS_HC_TABLE], ['1.3.6.1.2.1.16.2.6', ETHER_HISTORY_HC_TABLE]] as const) {
    const byOid = new Map(columns.map((c) => [c.oid.join('.'), c.name]));
    const rows = await snmpWalk({ target: d.address, port: d.port, oid: table, config: testConfig(), credential: V2C(d.community), dictionary });
    expect(new Set(rows.map((r) => r.oid.split('.').slice(0, 11).join('.')))).toEqual(new Set(byOid.keys()));
    for (const r of rows) {
      const column = r.oid.split('.').slice(0, 11).join('.');
      expect(r.name).toBe(`HC-RMON-MIB::${byOid.get(column)}${r.oid.slice(column.length)}`);
    }
  }
  expect(dictionary.translate('1.3.6.1.2.1.16.21.1.1.7.1').name).toBe('HC-RMON-MIB::mediaIndependentInHighCapacityPkts.1');
});
