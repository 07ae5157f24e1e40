import { runSnmpTool, startSnmpd, type SnmpdPeer } from '@sonde/testing/snmpd-peer';
import { decodeEvent, encodeEvent } from '@sonde/events/event-codec';
import type { SnmpCredential } from '@sonde/snmp/session/snmp-credential';
import { loadOidDictionary } from '@sonde/snmp/mib/mib-loader';
import { SnmpPoller } from '../src/snmp-poller';
import { snmpWalk } from '../src/snmp-walk-command';
import { RecordingBus, target, testConfig, V2C } from './poller-fixture';

// Real peer: Debian snmpd (scripts/peers.sh install snmpd). The poller polls it with the
// default profile and we compare with what snmpbulkwalk reads from the same agent.
const AUTH = 'authpass1234';
const PRIV = 'privpass1234';
const SHA_AES: SnmpCredential = { version: 'v3', user: 'shaaes', level: 'authPriv', authProtocol: 'sha', authKey: AUTH, privProtocol: 'aes', privKey: PRIV };
const MD5_DES: SnmpCredential = { version: 'v3', user: 'md5des', level: 'authPriv', authProtocol: 'md5', authKey: AUTH, privProtocol: 'des', privKey: PRIV };
const AUTH_ONLY: SnmpCredential = { version: 'v3', user: 'authonly', level: 'authNoPriv', authProtocol: 'sha256', authKey: AUTH };

let agent: SnmpdPeer;

beforeAll(async () => {
  agent = await startSnmpd({
    users: [
      { name: 'shaaes', auth: 'SHA', authKey: AUTH, priv: 'AES', privKey: PRIV },
      { name: 'md5des', auth: 'MD5', authKey: AUTH, priv: 'DES', privKey: PRIV },
      { name: 'authonly', auth: 'SHA-256', authKey: AUTH },
    ],
  });
});
afterAll(async () => agent?.stop());

describe('snmp-poller against Debian snmpd', () => {
  it('polls the default profile over v1, v2c and v3; good devices unaffected by bad ones', async () => {
    const bus = new RecordingBus();
    const poller = new SnmpPoller({ config: testConfig(), bus, origin: { site: 'lab', collector: 'test' } });
    const targets = [
      target('v1', agent.port, { version: 'v1', community: 'public' }),
      target('v2c', agent.port, V2C()),
      target('v3-sha-aes', agent.port, SHA_AES),
      target('v3-md5-des', agent.port, MD5_DES),
      target('v3-authonly', agent.port, AUTH_ONLY),
      target('bad-community', agent.port, V2C('nope')),
      target('bad-key', agent.port, { ...SHA_AES, authKey: 'wrong-auth-key' } as SnmpCredential),
      target('unknown-user', agent.port, { ...SHA_AES, user: 'ghost' } as SnmpCredential),
    ];
    poller.setTargets(targets);
    try {
      await Promise.all(targets.map((t) => poller.cycle(t)));
      // a real agent's sysUpTime follows the real clock: poll again a little later
      await new Promise((r) => setTimeout(r, 1100));
      await Promise.all(targets.map((t) => poller.cycle(t)));

      // the wire format the writer decodes: every event valid
      for (const e of bus.events) expect(decodeEvent(encodeEvent(e))).toEqual(JSON.parse(JSON.stringify(e)));

      const theirs = parseWalk(runSnmpTool('snmpbulkwalk', ['-v2c', '-c', 'public', '-On', '-Oe', `127.0.0.1:${agent.port}`, '1.3.6.1.2.1.2.2.1.8']));
      for (const id of ['v1', 'v2c', 'v3-sha-aes', 'v3-md5-des', 'v3-authonly']) {
        const status = bus.status(id);
        expect(status.snmp_poll_reachable?.value).toBe(1);
        expect(status.snmp_poll_errors?.value).toBe(0);
        expect(status.snmp_poll_varbinds!.value).toBeGreaterThan(20);
        // ifOperStatus per ifIndex equals snmpbulkwalk's, value for value
        const oper = bus.samples(id, 'interfaces').filter((s) => s.name === 'ifOperStatus');
        const mine = new Map(oper.map((s) => [s.labels.ifIndex, s.value]));
        for (const [oid, value] of theirs) expect(mine.get(oid.split('.').pop())).toBe(Number(value.replace('INTEGER: ', '')));
        // second cycle: rates, never negative
        const rates = bus.samples(id, 'interfaces').filter((s) => s.type === 'rate');
        expect(rates.length).toBeGreaterThan(0);
        for (const r of rates) expect(r.value).toBeGreaterThanOrEqual(0);
      }
      // v1 has no Counter64: the poller used the Counter32 fallback columns
      expect(bus.samples('v1', 'interfaces').some((s) => s.name === 'ifInOctets')).toBe(true);
      expect(bus.samples('v2c', 'interfaces').some((s) => s.name === 'ifHCInOctets')).toBe(true);
      expect(bus.status('v3-sha-aes').snmp_poll_reachable?.labels).toMatchObject({ version: 'v3', security_level: 'authPriv' });
      expect(bus.status('v3-authonly').snmp_poll_reachable?.labels).toMatchObject({ version: 'v3', security_level: 'authNoPriv' });

      const expectError = (id: string, reason: string) => {
        const s = bus.status(id).snmp_poll_reachable!;
        expect(s.value).toBe(0);
        expect(s.labels.error).toBe(reason);
        expect(s.labels.error_detail).toContain(id);
      };
      expectError('bad-community', 'timeout');
      expectError('bad-key', 'wrong-digest');
      expectError('unknown-user', 'unknown-user');

      const summary = poller.versionSummary();
      expect(summary.byVersion).toEqual({ v1: 1, v2c: 2, v3: 5 });
      expect(summary.rows).toContainEqual({ version: 'v3', securityLevel: 'authPriv', devices: 4, reachable: 2 });
      expect(poller.pool.stats().transport?.sockets).toBeLessThanOrEqual(4);
    } finally {
      await poller.stop();
    }
  });
});

describe('sonde walk', () => {
  it('walks a subtree with names from the OID dictionary, the same varbinds snmpwalk returns', async () => {
    const rows = await snmpWalk({ target: '127.0.0.1', port: agent.port, oid: '1.3.6.1.2.1.2.2.1', config: testConfig(), credential: SHA_AES, dictionary: loadOidDictionary().dictionary });
    const theirs = parseWalk(runSnmpTool('snmpwalk', ['-v2c', '-c', 'public', '-On', `127.0.0.1:${agent.port}`, '1.3.6.1.2.1.2.2.1']));
    expect(rows.map((r) => r.oid)).toEqual(theirs.map(([oid]) => oid));
    const oper = rows.find((r) => r.oid === '1.3.6.1.2.1.2.2.1.8.1')!;
    expect(oper).toMatchObject({ name: 'IF-MIB::ifOperStatus.1', type: 'Integer' });
    expect(oper.value).toMatch(/^(up|down|testing|unknown|dormant|notPresent|lowerLayerDown)\(\d\)$/);
  });

  it('a scalar instance is fetched with GET; numeric names without a dictionary', async () => {
    const rows = await snmpWalk({ target: '127.0.0.1', port: agent.port, oid: '1.3.6.1.2.1.1.5.0', config: testConfig(), credential: V2C() });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ oid: '1.3.6.1.2.1.1.5.0', name: '1.3.6.1.2.1.1.5.0', type: 'OctetString' });
  });
});

function parseWalk(out: string): Array<[string, string]> {
  return out.split('\n').filter(Boolean).map((l) => {
    const [oid, value] = l.split(' = ');
    return [oid!.replace(/^\./, ''), value!];
  });
}
