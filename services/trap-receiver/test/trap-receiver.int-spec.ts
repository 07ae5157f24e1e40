import { Registry } from 'prom-client';
import { CollectingBus } from './collecting-bus';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { loadOidDictionary } from '@sonde/snmp/mib/mib-loader';
import { buildTrapReceiver } from '../src/build-trap-receiver';
import { EventPublisher } from '@sonde/collector/event-publisher';
import { trapReceiverConfigSchema } from '../src/trap-receiver.config';
import { TrapSockets } from '../src/trap-sockets';
import type { UsmUserConfig } from '@sonde/snmp/usm/usm-security';
import { NET_SNMP_AUTH, NET_SNMP_PRIV, netSnmp } from './trap-peers';

// Real peers: Debian's snmptrap / snmpinform. Run:
//   bash scripts/peers.sh install snmp
//   SONDE_TEST_SERVICES=none node node_modules/jest/bin/jest.js services/trap-receiver/test

const { dictionary } = loadOidDictionary();
const SENDER_ENGINE = '8000000001020304';
const AUTH_PW = 'authpass-123';
const PRIV_PW = 'privpass-456';

type Combo = { user: string; auth?: keyof typeof NET_SNMP_AUTH; priv?: keyof typeof NET_SNMP_PRIV };
const combos: Combo[] = [{ user: 'u-none' }];
for (const auth of Object.keys(NET_SNMP_AUTH) as Array<keyof typeof NET_SNMP_AUTH>) {
  combos.push({ user: `u-${auth}`, auth });
  for (const priv of Object.keys(NET_SNMP_PRIV) as Array<keyof typeof NET_SNMP_PRIV>) combos.push({ user: `u-${auth}-${priv}`, auth, priv });
}
const users: UsmUserConfig[] = combos.map((c) => ({
  name: c.user,
  engineIds: [SENDER_ENGINE],
  ...(c.auth ? { authProtocol: c.auth, authPassword: AUTH_PW } : {}),
  ...(c.priv ? { privProtocol: c.priv, privPassword: PRIV_PW } : {}),
}));

function v3Args(c: Combo): string[] {
  const level = c.priv ? 'authPriv' : c.auth ? 'authNoPriv' : 'noAuthNoPriv';
  const args = ['-v', '3', '-u', c.user, '-l', level];
  if (c.auth) args.push('-a', NET_SNMP_AUTH[c.auth], '-A', AUTH_PW);
  if (c.priv) args.push('-x', NET_SNMP_PRIV[c.priv], '-X', PRIV_PW);
  return args;
}

const LINKDOWN = ['1.3.6.1.6.3.1.1.5.3', '1.3.6.1.2.1.2.2.1.1.3', 'i', '3', '1.3.6.1.2.1.2.2.1.7.3', 'i', '1', '1.3.6.1.2.1.2.2.1.8.3', 'i', '2'];

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('trap-receiver with net-snmp snmptrap/snmpinform', () => {
  const registry = new Registry();
  const bus = new CollectingBus();
  const config = trapReceiverConfigSchema.parse({ listen: [{ address: '127.0.0.1', port: 0 }, { address: '::1', port: 0 }], trustedRelays: ['127.0.0.1'] });
  const parts = buildTrapReceiver({
    config: { ...config, trustedRelays: [] },
    communities: ['public'],
    users,
    dictionary,
    registry,
    clock: { now: () => Date.now() },
    origin: { site: 'lab', collector: 'trap-test' },
    resolveDevice: (address) => ({ id: address === '127.0.0.1' ? 'router-1' : address, address }),
  });
  const publisher = new EventPublisher(bus, parts.metrics, { maxEvents: 500, maxWaitMs: 0, maxPendingEvents: 10_000 }, { warn: () => undefined });
  const sockets = new TrapSockets(parts.receiver, publisher);
  let v4 = '';
  let v6 = '';

  beforeAll(async () => {
    const bound = await sockets.start(config.listen);
    v4 = `udp:127.0.0.1:${bound[0]?.port}`;
    v6 = `udp6:[::1]:${bound[1]?.port}`;
  });
  afterAll(() => sockets.close());

  const byTrap = (oid: string) => bus.events.filter((e): e is Extract<SondeEvent, { kind: 'snmp.trap' }> => e.kind === 'snmp.trap' && e.payload.trapOid === oid);

  it('v2c trap: decoded, translated, published with the device resolved', async () => {
    const r = await netSnmp('snmptrap', ['-v', '2c', '-c', 'public', v4, '12345', ...LINKDOWN]);
    expect(r.code).toBe(0);
    await until(() => byTrap('1.3.6.1.6.3.1.1.5.3').length === 1, 'linkDown');
    const e = byTrap('1.3.6.1.6.3.1.1.5.3')[0];
    expect(e?.device).toEqual({ id: 'router-1', address: '127.0.0.1' });
    expect(e?.payload).toMatchObject({
      version: 'v2c', pdu: 'trap', trapName: 'IF-MIB::linkDown', uptime: 12345, security: {},
      varbinds: [
        { oid: '1.3.6.1.2.1.2.2.1.1.3', name: 'IF-MIB::ifIndex.3', type: 'Integer', value: '3' },
        { oid: '1.3.6.1.2.1.2.2.1.7.3', name: 'IF-MIB::ifAdminStatus.3', type: 'Integer', value: '1', display: 'up(1)' },
        { oid: '1.3.6.1.2.1.2.2.1.8.3', name: 'IF-MIB::ifOperStatus.3', type: 'Integer', value: '2', display: 'down(2)' },
      ],
    });
  });

  it('varbind text follows the one printable rule: UTF-8 as text, hex-looking text apart from bytes', async () => {
    const r = await netSnmp('snmptrap', ['-v', '2c', '-c', 'public', v4, '1', '1.3.6.1.4.1.8072.9996.1', '1.3.6.1.2.1.31.1.1.1.18.1', 's', 'Uplink zur Zentrale – Tür 3', '1.3.6.1.2.1.31.1.1.1.18.2', 's', '0x801', '1.3.6.1.2.1.31.1.1.1.18.3', 'x', '0801']);
    expect(r.code).toBe(0);
    await until(() => byTrap('1.3.6.1.4.1.8072.9996.1').length === 1, 'utf-8 trap');
    expect(byTrap('1.3.6.1.4.1.8072.9996.1')[0]?.payload.varbinds.map((v) => v.value)).toEqual(['Uplink zur Zentrale – Tür 3', '0x3078383031', '0x0801']);
  });

  it('v2c over IPv6', async () => {
    const r = await netSnmp('snmptrap', ['-v', '2c', '-c', 'public', v6, '1', '1.3.6.1.6.3.1.1.5.4', '1.3.6.1.2.1.2.2.1.1.7', 'i', '7']);
    expect(r.code).toBe(0);
    await until(() => byTrap('1.3.6.1.6.3.1.1.5.4').length === 1, 'linkUp over v6');
    expect(byTrap('1.3.6.1.6.3.1.1.5.4')[0]?.payload.source.address).toBe('::1');
  });

  it('v1 traps converted per RFC 3584 §3.1, agent-addr kept', async () => {
    expect((await netSnmp('snmptrap', ['-v', '1', '-c', 'public', v4, '1.3.6.1.4.1.8072.4', '10.9.8.7', '0', '0', '555'])).code).toBe(0);
    expect((await netSnmp('snmptrap', ['-v', '1', '-c', 'public', v4, '1.3.6.1.4.1.8072.4', '10.9.8.7', '6', '17', '556', '1.3.6.1.2.1.1.5.0', 's', 'edge-1'])).code).toBe(0);
    await until(() => byTrap('1.3.6.1.6.3.1.1.5.1').length === 1 && byTrap('1.3.6.1.4.1.8072.4.0.17').length === 1, 'v1 traps');
    expect(byTrap('1.3.6.1.6.3.1.1.5.1')[0]?.payload).toMatchObject({
      version: 'v1', trapName: 'SNMPv2-MIB::coldStart', uptime: 555, agentAddress: '10.9.8.7', enterprise: '1.3.6.1.4.1.8072.4', genericTrap: 0, specificTrap: 0,
    });
    const specific = byTrap('1.3.6.1.4.1.8072.4.0.17')[0];
    expect(specific?.payload.varbinds.map((v) => [v.name, v.value])).toEqual([
      ['SNMPv2-MIB::sysName.0', 'edge-1'],
      ['SNMP-COMMUNITY-MIB::snmpTrapAddress.0', '10.9.8.7'],
      ['SNMPv2-MIB::snmpTrapEnterprise.0', '1.3.6.1.4.1.8072.4'],
    ].map(([n, v]) => [n, v]));
    // not a trusted relay: the UDP source names the device, not agent-addr
    expect(specific?.device.address).toBe('127.0.0.1');
  });

  it('v2c inform is acknowledged (snmpinform exits 0) and published', async () => {
    const r = await netSnmp('snmpinform', ['-v', '2c', '-c', 'public', '-r', '0', '-t', '5', v4, '777', '1.3.6.1.6.3.1.1.5.2']);
    expect(r).toEqual({ code: 0, stderr: '' });
    await until(() => byTrap('1.3.6.1.6.3.1.1.5.2').length === 1, 'warmStart inform');
    expect(byTrap('1.3.6.1.6.3.1.1.5.2')[0]?.payload.pdu).toBe('inform');
  });

  it.each(combos.map((c) => [c.user, c] as const))('v3 trap %s: authenticated, decrypted, published', async (_u, c) => {
    const trapOid = `1.3.6.1.4.1.8072.9999.${combos.indexOf(c)}`;
    const r = await netSnmp('snmptrap', [...v3Args(c), '-e', `0x${SENDER_ENGINE}`, v4, '42', trapOid, '1.3.6.1.2.1.1.5.0', 's', c.user]);
    expect(r.code).toBe(0);
    await until(() => byTrap(trapOid).length === 1, `v3 trap from ${c.user}`);
    expect(byTrap(trapOid)[0]?.payload.security).toEqual({
      user: c.user, engineId: SENDER_ENGINE, level: c.priv ? 'authPriv' : c.auth ? 'authNoPriv' : 'noAuthNoPriv',
    });
  });

  it.each(combos.map((c) => [c.user, c] as const))('v3 inform %s: discovery, Response, published', async (_u, c) => {
    const trapOid = `1.3.6.1.4.1.8072.9998.${combos.indexOf(c)}`;
    const r = await netSnmp('snmpinform', [...v3Args(c), '-r', '1', '-t', '5', v4, '43', trapOid]);
    expect(r).toEqual({ code: 0, stderr: '' });
    await until(() => byTrap(trapOid).length === 1, `v3 inform from ${c.user}`);
  });

  it('counts and drops a wrong community and a wrong v3 key', async () => {
    const count = async (reason: string) => (await parts.metrics.droppedTotal.get()).values.find((v) => v.labels.detail === reason)?.value ?? 0;
    await netSnmp('snmptrap', ['-v', '2c', '-c', 'wrong', v4, '1', '1.3.6.1.6.3.1.1.5.1']);
    await netSnmp('snmptrap', ['-v', '3', '-u', 'u-sha-aes', '-l', 'authPriv', '-a', 'SHA', '-A', 'not-the-key', '-x', 'AES', '-X', PRIV_PW, '-e', `0x${SENDER_ENGINE}`, v4, '1', '1.3.6.1.6.3.1.1.5.1']);
    for (let i = 0; i < 500 && ((await count('unknown-community')) < 1 || (await count('wrong-digest')) < 1); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await count('unknown-community')).toBe(1);
    expect(await count('wrong-digest')).toBe(1);
  });
});
