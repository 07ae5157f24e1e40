import { LabAgent } from '@sonde/lab/lab-agent';
import { labTestDevice } from '@sonde/lab/lab-test-device';
import { RedisStateStore } from '@sonde/state/redis/redis-state-store';
import { realService } from '@sonde/testing/real-services';
import { SnmpPoller } from '../src/snmp-poller';
import { RecordingBus, target, testConfig, V2C } from './poller-fixture';

// Real Redis (SONDE_TEST_SERVICES=redis): the last counter readings outlive the poller process,
// so the first cycle of a new poller (restart, failover) already publishes rates.
let clock = 1_800_000_000_000;
const now = () => clock;

it('rates continue across a poller restart through the state store (Redis)', async () => {
  const url = realService('redis').SONDE_TEST_REDIS_URL!;
  const agent = await LabAgent.start({ device: labTestDevice({ id: 'continuity-1' }, clock - 600_000), community: 'public', clock: now });
  const state = new RedisStateStore({ url, keyPrefix: `sonde-test-${process.pid}-${Date.now()}:` });
  const t = target('continuity-1', agent.port, V2C());
  try {
    const busA = new RecordingBus();
    const a = new SnmpPoller({ config: testConfig(), bus: busA, origin: { site: 'lab', collector: 'a' }, state, now });
    await a.cycle(t);
    await a.stop();
    expect(busA.samples('continuity-1').filter((s) => s.type === 'rate')).toEqual([]);

    clock += 60_000;
    const busB = new RecordingBus();
    const b = new SnmpPoller({ config: testConfig(), bus: busB, origin: { site: 'lab', collector: 'b' }, state, now });
    await b.cycle(t);
    await b.stop();
    const rate = busB.samples('continuity-1').find((s) => s.name === 'ifHCInOctets_rate' && s.labels.ifIndex === '1');
    expect(rate?.value).toBeCloseTo(125_000, -2);
  } finally {
    await state.close();
    await agent.close();
  }
});
