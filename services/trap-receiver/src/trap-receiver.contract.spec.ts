import { collectorContract, type CollectorHarness } from '@sonde/collector/collector.contract';
import { EventPublisher } from '@sonde/collector/event-publisher';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { berInt, berOctets, berOid, berSeq, tlv } from '@sonde/snmp/ber/ber-writer';
import { loadOidDictionary } from '@sonde/snmp/mib/mib-loader';
import { Registry } from 'prom-client';
import { buildTrapReceiver } from './build-trap-receiver';
import { trapReceiverConfigSchema } from './trap-receiver.config';

// Unit: one UDP datagram. "bad" alternates junk bytes, a wrong community and an SNMPv3
// engine-ID discovery (answered with a Report, no event: counted `control`, it was counted
// nowhere before); a flood is one source far over its token bucket.
const { dictionary } = loadOidDictionary();
let requestId = 0;
const v2cTrap = (community = 'public') =>
  berSeq(berInt(1), berOctets(community), tlv(0xa7, Buffer.concat([berInt(++requestId), berInt(0), berInt(0), berSeq(
    berSeq(berOid('1.3.6.1.2.1.1.3.0'), berInt(4200, 0x43)),
    berSeq(berOid('1.3.6.1.6.3.1.1.4.1.0'), berOid('1.3.6.1.6.3.1.1.5.3')),
  )])));
const discovery = () =>
  berSeq(berInt(3), berSeq(berInt(++requestId), berInt(65507), berOctets(Buffer.from([0x04])), berInt(3)),
    berOctets(berSeq(berOctets(''), berInt(0), berInt(0), berOctets(''), berOctets(''), berOctets(''))),
    berSeq(berOctets(''), berOctets(''), tlv(0xa0, Buffer.concat([berInt(requestId), berInt(0), berInt(0), berSeq()]))));
const junk = () => Buffer.from([0x30, 0x82, 0xff, 0x00, requestId++ & 0xff]);

describe('trap receiver: collector contract', () => {
  collectorContract((): CollectorHarness => {
    let now = 1_000_000;
    const registry = new Registry();
    const parts = buildTrapReceiver({
      config: trapReceiverConfigSchema.parse({ rateLimit: { perSourcePerSecond: 10, perSourceBurst: 20, globalPerSecond: 1e6, globalBurst: 1e6 } }),
      communities: ['public'], users: [], dictionary, registry, clock: { now: () => now },
      origin: { site: 'lab', collector: 'contract' }, resolveDevice: (address) => ({ id: address, address }),
    });
    const accepted: SondeEvent[] = [];
    const publisher = new EventPublisher({ publish: async (e) => void accepted.push(...e) }, parts.metrics, { maxEvents: 100, maxWaitMs: 0, maxPendingEvents: 50 }, { warn: () => undefined });
    let bad = 0;
    return {
      prefix: 'sonde_trap',
      registry,
      feed(kind, source) {
        now += kind === 'flood' ? 1 : 50;
        const datagram = kind === 'bad' ? [junk, () => v2cTrap('wrong'), discovery][bad++ % 3]!() : v2cTrap();
        const r = parts.receiver.handle(datagram, { address: source, port: 40000 });
        if (r.event) publisher.enqueue(r.event);
      },
      settle: () => publisher.drain(),
    };
  });
});
