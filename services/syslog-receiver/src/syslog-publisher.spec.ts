import type { EventBus, Subscription } from '@sonde/bus/event-bus';
import { createEvent } from '@sonde/events/create-event';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { Registry } from 'prom-client';
import { SyslogPublisher } from './syslog-publisher';
import { SyslogReceiverMetrics } from './syslog-receiver.metrics';

/** An EventBus (the port) that refuses the first `refusals` publishes, then accepts and keeps them. */
class RefusingBus implements EventBus {
  readonly accepted: SondeEvent[] = [];
  calls = 0;
  constructor(private refusals: number) {}
  async publish(events: readonly SondeEvent[]): Promise<void> {
    this.calls++;
    if (this.refusals > 0) {
      this.refusals--;
      throw new Error('spool full');
    }
    this.accepted.push(...events);
  }
  async subscribe(): Promise<Subscription> {
    return { close: async () => undefined };
  }
  async health() {
    return { ok: true, detail: '', pending: 0 };
  }
  async close() {}
}

const event = (i: number) =>
  createEvent('syslog.message', { site: 's', collector: 'c' }, { id: 'd', address: '192.0.2.1' }, {
    facility: 1, severity: 5, format: 'rfc3164', message: String(i), structuredData: {}, fields: {},
    timeSource: 'received', transport: 'tcp', source: { address: '192.0.2.1', port: 1 }, truncated: false,
  });

async function counter(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = await registry.getSingleMetric(name)?.get();
  return (m?.values ?? []).filter((v) => Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x)).reduce((s, v) => s + v.value, 0);
}

describe('SyslogPublisher', () => {
  const quiet = { warn: () => undefined };

  it('TCP: publish() retries until the bus accepts, losing nothing', async () => {
    const registry = new Registry();
    const bus = new RefusingBus(3);
    const p = new SyslogPublisher(bus, new SyslogReceiverMetrics(registry), { maxEvents: 10, maxWaitMs: 1, maxPendingEvents: 100 }, quiet);
    await p.publish([event(1), event(2)]);
    expect(bus.accepted.map((e) => e.kind === 'syslog.message' && e.payload.message)).toEqual(['1', '2']);
    expect(bus.calls).toBe(4);
    expect(await counter(registry, 'sonde_syslog_published_total')).toBe(2);
    expect(await counter(registry, 'sonde_syslog_dropped_total')).toBe(0);
  });

  it('UDP: batches in order; a refused batch and the backlog overflow are counted as drops', async () => {
    const registry = new Registry();
    const bus = new RefusingBus(1);
    const p = new SyslogPublisher(bus, new SyslogReceiverMetrics(registry), { maxEvents: 5, maxWaitMs: 1, maxPendingEvents: 12 }, quiet);
    for (let i = 0; i < 15; i++) p.enqueue(event(i));
    await p.drain();
    const rejected = await counter(registry, 'sonde_syslog_dropped_total', { reason: 'bus_rejected' });
    const backlog = await counter(registry, 'sonde_syslog_dropped_total', { reason: 'bus_backlog' });
    const published = await counter(registry, 'sonde_syslog_published_total');
    expect(rejected).toBe(5); // the first batch
    expect(rejected + backlog + published).toBe(15);
    expect(bus.accepted.map((e) => (e.kind === 'syslog.message' ? Number(e.payload.message) : -1))).toEqual(
      [...bus.accepted.map((e) => (e.kind === 'syslog.message' ? Number(e.payload.message) : -1))].sort((a, b) => a - b),
    );
  });

  it('shutdown with a bus that keeps refusing: TCP retries give up and count the loss', async () => {
    const registry = new Registry();
    const p = new SyslogPublisher(new RefusingBus(1e9), new SyslogReceiverMetrics(registry), { maxEvents: 5, maxWaitMs: 1, maxPendingEvents: 10 }, quiet);
    const held = p.publish([event(1)]);
    p.abandonRetries();
    await expect(held).rejects.toThrow('spool full');
    expect(await counter(registry, 'sonde_syslog_dropped_total', { reason: 'shutdown' })).toBe(1);
  });
});
