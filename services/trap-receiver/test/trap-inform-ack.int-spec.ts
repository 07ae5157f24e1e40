import { EventPublisher } from '@sonde/collector/event-publisher';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { BusMetrics } from '@sonde/bus/bus.metrics';
import { metricEvents } from '@sonde/bus/event-bus.contract';
import { MemoryEventBus } from '@sonde/bus/memory/memory-event-bus';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { loadOidDictionary } from '@sonde/snmp/mib/mib-loader';
import { Registry } from 'prom-client';
import { buildTrapReceiver } from '../src/build-trap-receiver';
import { trapReceiverConfigSchema } from '../src/trap-receiver.config';
import { TrapSockets } from '../src/trap-sockets';
import { netSnmp } from './trap-peers';

// ARCHITECTURE.md: informs are acknowledged after publish. A saturated bus (the real memory bus,
// its queue full behind a consumer that does not finish) must mean: no Response, Debian's
// snmpinform retries, and once the bus takes the event it arrives once and the Response goes out.
const { dictionary } = loadOidDictionary();
const SENDER_USER = { name: 'ops', engineIds: [] as string[], authProtocol: 'sha' as const, authPassword: 'authpass-123', privProtocol: 'aes' as const, privPassword: 'privpass-456' };

async function until(what: string, cond: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each([
  ['v2c', ['-v', '2c', '-c', 'public']],
  ['v3 authPriv', ['-v', '3', '-u', 'ops', '-l', 'authPriv', '-a', 'SHA', '-A', 'authpass-123', '-x', 'AES', '-X', 'privpass-456']],
])('%s inform into a saturated bus', (_name, securityArgs) => {
  it('is not acknowledged while the bus is full; the retries make one event; the Response follows acceptance', async () => {
    const registry = new Registry();
    const bus = new MemoryEventBus(busConfigSchema.parse({ memory: { queueCapacity: 2, publishTimeoutMs: 120_000 } }), { metrics: new BusMetrics(new Registry()) });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const delivered: SondeEvent[] = [];
    await bus.subscribe({ group: 'writer', families: ['snmp'], maxBatchEvents: 1, maxBatchWaitMs: 1, handler: async (b) => { await gate; delivered.push(...b.events); } });
    // saturate: one batch in the (blocked) handler, the queue full behind it, more waiting
    const filler = bus.publish(metricEvents('fill', 'd', 3));
    await until('the queue to fill', async () => (await bus.health()).pending >= 2);

    const config = trapReceiverConfigSchema.parse({ listen: [{ address: '127.0.0.1', port: 0 }] });
    const parts = buildTrapReceiver({
      config, communities: ['public'], users: [SENDER_USER], dictionary, registry, clock: { now: () => Date.now() },
      origin: { site: 'lab', collector: 'inform-test' }, resolveDevice: (address) => ({ id: address, address }),
    });
    const publisher = new EventPublisher(bus, parts.metrics, { maxEvents: 500, maxWaitMs: 0, maxPendingEvents: 1000 }, { warn: () => undefined });
    const sockets = new TrapSockets(parts.receiver, publisher);
    const [bound] = await sockets.start(config.listen);
    const total = async (name: string, labels: Record<string, string> = {}) =>
      ((await registry.getSingleMetric(name)?.get())?.values ?? [])
        .filter((v) => Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x))
        .reduce((n, v) => n + v.value, 0);

    const trapOid = '1.3.6.1.4.1.8072.9997.1';
    let exited: { code: number; stderr: string } | undefined;
    // 1 s timeout, 30 retries: snmpinform keeps resending the same request until it gets a Response
    const inform = netSnmp('snmpinform', [...securityArgs, '-r', '30', '-t', '1', `127.0.0.1:${bound?.port}`, '99', trapOid]).then((r) => (exited = r));

    // the sender retried (same inform seen again), and nothing was acknowledged meanwhile
    await until('an inform retry', async () => (await total('sonde_trap_dropped_total', { reason: 'duplicate' })) >= 1);
    expect(await total('sonde_trap_informs_acknowledged_total')).toBe(0);
    expect(exited).toBeUndefined();
    expect(delivered.filter((e) => e.kind === 'snmp.trap')).toHaveLength(0);

    release();
    await filler;
    await inform;
    expect(exited?.code).toBe(0); // stderr may carry net-snmp's first-run "Created directory" notice
    await until('the inform delivered', () => delivered.some((e) => e.kind === 'snmp.trap'));
    await sockets.close();
    await bus.close();
    const traps = delivered.filter((e) => e.kind === 'snmp.trap' && e.payload.trapOid === trapOid);
    expect(traps).toHaveLength(1);
    expect(await total('sonde_trap_informs_acknowledged_total')).toBeGreaterThanOrEqual(1);
    // every datagram accounted for once: received = published + dropped
    expect(await total('sonde_trap_received_total')).toBe((await total('sonde_trap_published_total')) + (await total('sonde_trap_dropped_total')));
  });
});
