import type { EventBus, Subscription } from '@sonde/bus/event-bus';
import { createEvent } from '@sonde/events/create-event';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { Registry } from 'prom-client';
import { CollectorMetrics } from './collector-metrics';
import { EventPublisher } from './event-publisher';

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

const metrics = (registry: Registry) => new CollectorMetrics(registry, { prefix: 'sonde_test', unit: 'messages' });
const message = (e: SondeEvent) => (e.kind === 'syslog.message' ? Number(e.payload.message) : -1);

describe('EventPublisher', () => {
  const quiet = { warn: () => undefined };

  it('awaited: publish() retries until the bus accepts, losing nothing', async () => {
    const registry = new Registry();
    const bus = new RefusingBus(3);
    const p = new EventPublisher(bus, metrics(registry), { maxEvents: 10, maxWaitMs: 1, maxPendingEvents: 100 }, quiet);
    await p.publish([event(1), event(2)]);
    expect(bus.accepted.map(message)).toEqual([1, 2]);
    expect(bus.calls).toBe(4);
    expect(await counter(registry, 'sonde_test_published_total')).toBe(2);
    expect(await counter(registry, 'sonde_test_dropped_total')).toBe(0);
  });

  it('best effort: batches in order; a refused batch and the queue overflow are counted as drops', async () => {
    const registry = new Registry();
    const bus = new RefusingBus(1);
    const p = new EventPublisher(bus, metrics(registry), { maxEvents: 5, maxWaitMs: 1, maxPendingEvents: 12 }, quiet);
    for (let i = 0; i < 15; i++) p.enqueue(event(i));
    await p.drain();
    const rejected = await counter(registry, 'sonde_test_dropped_total', { reason: 'bus-rejected', stage: 'publish' });
    const full = await counter(registry, 'sonde_test_dropped_total', { reason: 'bus-full', stage: 'publish' });
    const published = await counter(registry, 'sonde_test_published_total');
    expect(rejected).toBe(5); // the first batch
    expect(rejected + full + published).toBe(15);
    expect(bus.accepted.map(message)).toEqual([...bus.accepted.map(message)].sort((a, b) => a - b));
  });

  it('best effort with maxWaitMs 0: published on the next turn of the event loop', async () => {
    const bus = new RefusingBus(0);
    const p = new EventPublisher(bus, metrics(new Registry()), { maxEvents: 500, maxWaitMs: 0, maxPendingEvents: 10 }, quiet);
    p.enqueue(event(1));
    await new Promise((r) => setImmediate(r));
    await p.drain();
    expect(bus.accepted.map(message)).toEqual([1]);
  });

  it('onSettled says whether the bus accepted the event (an inform is acked only then)', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const accepted: SondeEvent[] = [];
    const bus = { publish: async (events: readonly SondeEvent[]) => { await held; accepted.push(...events); } };
    const p = new EventPublisher(bus, metrics(new Registry()), { maxEvents: 500, maxWaitMs: 0, maxPendingEvents: 2 }, quiet);
    const settled: Array<[number, boolean]> = [];
    p.enqueue(event(1), (ok) => settled.push([1, ok]));
    p.enqueue(event(2), (ok) => settled.push([2, ok]));
    p.enqueue(event(3), (ok) => settled.push([3, ok])); // queue full: refused at once
    await new Promise((r) => setImmediate(r));
    expect(settled).toEqual([[3, false]]);
    expect(p.pendingEvents).toBe(2);
    release();
    await p.drain();
    expect(settled).toEqual([[3, false], [1, true], [2, true]]);
    expect(accepted.map(message)).toEqual([1, 2]);
  });

  /** A bus whose publish() calls wait until the test releases them, oldest first. */
  function heldBus(orderedPublishCalls?: number) {
    const calls: { events: number[]; release: (ok: boolean) => void }[] = [];
    const accepted: number[] = [];
    let maxAtOnce = 0;
    let open = 0;
    const bus = {
      ...(orderedPublishCalls === undefined ? {} : { orderedPublishCalls }),
      publish: (events: readonly SondeEvent[]) =>
        new Promise<void>((resolve, reject) => {
          // the bus's order is the order of the calls (as KafkaPublisher queues them)
          const batch = events.map(message);
          maxAtOnce = Math.max(maxAtOnce, ++open);
          let settled = false;
          const release = (ok: boolean) => {
            if (settled) return;
            settled = true;
            open--;
            if (ok) {
              accepted.push(...batch);
              resolve();
            } else reject(new Error('spool full'));
          };
          calls.push({ events: batch, release });
        }),
    };
    return { bus, calls, accepted, maxAtOnce: () => maxAtOnce };
  }
  const turn = () => new Promise((r) => setImmediate(r));

  /** Releases every call as it comes (oldest first) until the publisher has nothing left. */
  async function releaseAll(held: ReturnType<typeof heldBus>, p: EventPublisher, from: number): Promise<void> {
    for (let k = from; k < held.calls.length || p.pendingEvents > 0; k++) {
      await turn();
      held.calls[k]?.release(true);
    }
  }

  it('best effort on a bus that takes ordered calls at once: full batches go beside the one in flight, up to its slots; enqueue order kept, every event counted once', async () => {
    const registry = new Registry();
    const held = heldBus(3);
    const p = new EventPublisher(held.bus, metrics(registry), { maxEvents: 2, maxWaitMs: 0, maxPendingEvents: 100 }, quiet);
    const settled: number[] = [];
    for (let i = 0; i < 7; i++) p.enqueue(event(i), (ok) => void (ok && settled.push(i)));
    await turn();
    expect(held.calls.map((c) => c.events)).toEqual([[0, 1], [2, 3], [4, 5]]); // [6] waits: short of a batch, and the slots are taken
    expect(p.pendingEvents).toBe(7);
    held.calls[1]!.release(false); // a refused batch in the middle: counted, the others go on
    await turn();
    expect(held.calls).toHaveLength(3); // a short batch goes only when nothing is in flight
    for (let i = 10; i < 15; i++) p.enqueue(event(i));
    expect(held.calls.map((c) => c.events).slice(3)).toEqual([[6, 10]]);
    const drained = p.drain();
    await releaseAll(held, p, 0);
    await drained;
    expect(held.maxAtOnce()).toBe(3);
    // the bus saw the calls in enqueue order
    expect(held.calls.flatMap((c) => c.events)).toEqual([0, 1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14]);
    expect(held.accepted.sort((a, b) => a - b)).toEqual([0, 1, 4, 5, 6, 10, 11, 12, 13, 14]);
    expect(settled.sort((a, b) => a - b)).toEqual([0, 1, 4, 5, 6]);
    expect(await counter(registry, 'sonde_test_published_total')).toBe(10);
    expect(await counter(registry, 'sonde_test_dropped_total', { reason: 'bus-rejected' })).toBe(2);
    expect(p.pendingEvents).toBe(0);
  });

  it('best effort at a moderate load: a short batch waits for the one in flight, even with slots free', async () => {
    const held = heldBus(5);
    const p = new EventPublisher(held.bus, metrics(new Registry()), { maxEvents: 100, maxWaitMs: 0, maxPendingEvents: 1000 }, quiet);
    p.enqueue(event(0));
    await turn();
    p.enqueue(event(1));
    p.enqueue(event(2));
    await turn();
    expect(held.calls.map((c) => c.events)).toEqual([[0]]);
    held.calls[0]!.release(true);
    await turn();
    expect(held.calls.map((c) => c.events)).toEqual([[0], [1, 2]]);
    held.calls[1]!.release(true);
    await p.drain();
    expect(held.maxAtOnce()).toBe(1);
  });

  it('best effort on a bus that does not say it keeps the order of calls at once: one batch in flight', async () => {
    const held = heldBus();
    const p = new EventPublisher(held.bus, metrics(new Registry()), { maxEvents: 2, maxWaitMs: 0, maxPendingEvents: 100 }, quiet);
    for (let i = 0; i < 5; i++) p.enqueue(event(i));
    await turn();
    expect(held.calls.map((c) => c.events)).toEqual([[0, 1]]);
    const drained = p.drain();
    await releaseAll(held, p, 0);
    await drained;
    expect(held.calls.map((c) => c.events)).toEqual([[0, 1], [2, 3], [4]]);
    expect(held.maxAtOnce()).toBe(1);
  });

  it('offer: awaited once, a refusal counted as bus-rejected and reported, never retried', async () => {
    const registry = new Registry();
    const bus = new RefusingBus(1);
    const p = new EventPublisher(bus, metrics(registry), { maxEvents: 5, maxWaitMs: 1, maxPendingEvents: 10 }, quiet);
    expect(await p.offer([event(1), event(2)])).toBe(false);
    expect(await p.offer([event(3)])).toBe(true);
    expect(bus.calls).toBe(2);
    expect(bus.accepted.map(message)).toEqual([3]);
    expect(await counter(registry, 'sonde_test_dropped_total', { reason: 'bus-rejected' })).toBe(2);
    expect(await counter(registry, 'sonde_test_published_total')).toBe(1);
  });

  it('shutdown with a bus that keeps refusing: awaited retries give up and count the loss', async () => {
    const registry = new Registry();
    const p = new EventPublisher(new RefusingBus(1e9), metrics(registry), { maxEvents: 5, maxWaitMs: 1, maxPendingEvents: 10 }, quiet);
    const held = p.publish([event(1)]);
    p.abandonRetries();
    await expect(held).rejects.toThrow('spool full');
    expect(await counter(registry, 'sonde_test_dropped_total', { reason: 'shutdown' })).toBe(1);
  });
});
