import { Registry } from 'prom-client';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { loopbackTraffic } from '@sonde/testing/loopback-traffic';
import { CollectingBus } from './collecting-bus';
import { EventPublisher } from '@sonde/collector/event-publisher';
import { loadOidDictionary } from '@sonde/snmp/mib/mib-loader';
import { rmonSnmpdBinary, runSnmpTool, startSnmpd, type SnmpdPeer } from '@sonde/testing/snmpd-peer';
import { buildTrapReceiver } from '../src/build-trap-receiver';
import { trapReceiverConfigSchema } from '../src/trap-receiver.config';
import { TrapSockets } from '../src/trap-sockets';

/**
 * RMON-MIB risingAlarm (RFC 2819 §6) as an RMON agent we did not write sends it: net-snmp's own
 * Rmon module (snmpd built by `scripts/peers.sh install snmpd_rmon`), with an event of type
 * log-and-trap and an absolute alarm on the loopback's ifInUcastPkts.1 made with Debian's
 * `snmpset`, its trap sink this receiver. The test sends datagrams over `lo` until the alarm
 * crosses its rising threshold; the agent's own trap is decoded and named, varbind by varbind.
 * (The agent needs `iquerySecName` to sample at all: services/rmon-collector/README.md.)
 */
const { dictionary } = loadOidDictionary();
const RW = 'private';
const ALARM = '1.3.6.1.2.1.16.3.1.1';
const EVENT = '1.3.6.1.2.1.16.9.1.1';
const IF_IN_UCAST_1 = '1.3.6.1.2.1.2.2.1.11.1';
const RISING_ALARM = '1.3.6.1.2.1.16.0.1';

const bus = new CollectingBus();
const config = trapReceiverConfigSchema.parse({ listen: [{ address: '127.0.0.1', port: 0 }] });
const parts = buildTrapReceiver({
  config,
  communities: ['public'],
  users: [],
  dictionary,
  registry: new Registry(),
  clock: { now: () => Date.now() },
  origin: { site: 'lab', collector: 'trap-test' },
  resolveDevice: (address) => ({ id: address === '127.0.0.1' ? 'rmon-probe' : address, address }),
});
const publisher = new EventPublisher(bus, parts.metrics, { maxEvents: 500, maxWaitMs: 0, maxPendingEvents: 10_000 }, { warn: () => undefined });
const sockets = new TrapSockets(parts.receiver, publisher);
let agent: SnmpdPeer;

beforeAll(async () => {
  const bound = await sockets.start(config.listen);
  agent = await startSnmpd({
    binary: rmonSnmpdBinary(),
    users: [{ name: 'rmon-internal' }],
    extraConfig: [`rwcommunity ${RW} 127.0.0.1`, 'iquerySecName rmon-internal', `trap2sink 127.0.0.1:${bound[0]?.port} public`],
  });
});
afterAll(async () => {
  await agent?.stop();
  await sockets.close();
});

const tool = (name: string, ...args: string[]) => runSnmpTool(name, ['-v2c', '-c', RW, '-On', `127.0.0.1:${agent.port}`, ...args]);
const packetsIn = () => Number(/Counter32: (\d+)/.exec(tool('snmpget', IF_IN_UCAST_1))?.[1]);

const risingAlarms = () => bus.events.filter((e): e is Extract<SondeEvent, { kind: 'snmp.trap' }> => e.kind === 'snmp.trap' && e.payload.trapOid === RISING_ALARM);

it("net-snmp's RMON agent sends risingAlarm when its alarm crosses: decoded and named, alarm index, variable, sample type, value and threshold", async () => {
  // event 2: log-and-trap(4) to community public; alarm 3 fires it when rising
  tool('snmpset', `${EVENT}.7.2`, 'i', '2');
  tool('snmpset', `${EVENT}.2.2`, 's', 'lo packets rising', `${EVENT}.3.2`, 'i', '4', `${EVENT}.4.2`, 's', 'public', `${EVENT}.6.2`, 's', 'sonde-trap', `${EVENT}.7.2`, 'i', '1');
  // net-snmp's ifTable answers 0 packets until its first cache refresh (a few seconds after start)
  let now = packetsIn();
  for (let i = 0; i < 100 && !(now > 0); i++) {
    await new Promise((r) => setTimeout(r, 100));
    now = packetsIn();
  }
  expect(now).toBeGreaterThan(0);
  const rising = now + 2000;
  tool('snmpset', `${ALARM}.12.3`, 'i', '2');
  tool(
    'snmpset',
    `${ALARM}.2.3`, 'i', '1', `${ALARM}.3.3`, 'o', IF_IN_UCAST_1, `${ALARM}.4.3`, 'i', '1', `${ALARM}.7.3`, 'i', String(rising), `${ALARM}.8.3`, 'i', '0',
    `${ALARM}.9.3`, 'i', '2', `${ALARM}.10.3`, 'i', '0', `${ALARM}.11.3`, 's', 'sonde-trap', `${ALARM}.12.3`, 'i', '1',
  );
  try {
    await loopbackTraffic(4000);
    for (let i = 0; i < 200 && risingAlarms().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    const [trap] = risingAlarms();
    expect(trap?.device).toEqual({ id: 'rmon-probe', address: '127.0.0.1' });
    expect(trap?.payload).toMatchObject({ version: 'v2c', pdu: 'trap', trapName: 'RMON-MIB::risingAlarm' });
    const vbs = trap!.payload.varbinds;
    expect(vbs.map((v) => v.name)).toEqual(['RMON-MIB::alarmIndex.3', 'RMON-MIB::alarmVariable.3', 'RMON-MIB::alarmSampleType.3', 'RMON-MIB::alarmValue.3', 'RMON-MIB::alarmRisingThreshold.3']);
    expect(vbs.map((v) => v.type)).toEqual(['Integer', 'OID', 'Integer', 'Integer', 'Integer']);
    expect(vbs[0]?.value).toBe('3');
    expect(vbs[1]).toMatchObject({ value: IF_IN_UCAST_1, display: 'IF-MIB::ifInUcastPkts.1' });
    expect(vbs[2]).toMatchObject({ value: '1', display: 'absoluteValue(1)' });
    expect(Number(vbs[3]?.value)).toBeGreaterThanOrEqual(rising);
    expect(vbs[4]?.value).toBe(String(rising));
    // one crossing, one trap: rising re-arms only after a falling crossing (RFC 2819 §5 alarm hysteresis)
    expect(risingAlarms()).toHaveLength(1);
  } finally {
    tool('snmpset', `${ALARM}.12.3`, 'i', '4');
    tool('snmpset', `${EVENT}.7.2`, 'i', '4');
  }
});
