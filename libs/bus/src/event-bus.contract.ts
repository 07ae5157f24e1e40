import { expect, it } from '@jest/globals';
import { createEvent } from '@sonde/events/create-event';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { EventBatch, EventBus, SubscribeOptions } from './event-bus';

/**
 * The behaviour every EventBus adapter must show (style.md rule 5). Each adapter's spec calls
 * `eventBusContract(factory)` inside its own describe(); the factory returns a fresh bus handle
 * on the same "cluster" (Kafka: same broker and topic prefix; memory: a new in-process bus —
 * the only test that uses two handles tolerates the memory bus having nothing to share).
 *
 * Tests share topics with each other, so each tags its events with a unique `collector` and
 * reads only those. Deadlines in `waitFor` are guards against hanging, never assertions on speed.
 */
export interface ContractOptions {
  /** Upper bound for one wait (a real broker needs a rebalance before the first batch). */
  waitMs?: number;
}

let runCounter = 0;
const uniq = (what: string) => `${what}-${process.pid}-${Date.now().toString(36)}-${runCounter++}`;

export function metricEvents(tag: string, device: string, count: number, from = 0): SondeEvent[] {
  const out: SondeEvent[] = [];
  for (let i = from; i < from + count; i++) {
    out.push(
      createEvent('snmp.metric', { site: 'contract', collector: tag }, { id: device, address: '127.0.0.2' }, {
        group: 'if',
        samples: [{ name: 'seq', labels: {}, value: i, unit: '', type: 'gauge' }],
      }),
    );
  }
  return out;
}

export function syslogEvent(tag: string, device: string, message: string): SondeEvent {
  return createEvent('syslog.message', { site: 'contract', collector: tag }, { id: device, address: '127.0.0.3' }, {
    facility: 1, severity: 6, format: 'rfc5424', message, structuredData: {}, fields: {},
    timeSource: 'message', transport: 'udp', source: { address: '127.0.0.3', port: 514 }, truncated: false,
  });
}

export function seqOf(e: SondeEvent): number {
  const sample = e.kind === 'snmp.metric' ? e.payload.samples[0] : undefined;
  if (!sample) throw new Error(`not a contract metric event: ${e.kind} ${e.id}`);
  return sample.value;
}

/** Collects batches of one test (by collector tag), keeping redeliveries apart. */
export class BatchLog {
  readonly batches: EventBatch[] = [];
  constructor(private readonly tag: string) {}
  handler = async (batch: EventBatch): Promise<void> => {
    const mine = batch.events.filter((e) => e.collector === this.tag);
    if (mine.length) this.batches.push({ ...batch, events: mine });
  };
  /** Events once per dedupToken (what a sink deduplicating by token would keep), in order. */
  deduped(): SondeEvent[] {
    const seen = new Set<string>();
    const out: SondeEvent[] = [];
    for (const b of this.batches) {
      if (seen.has(b.dedupToken)) continue;
      seen.add(b.dedupToken);
      out.push(...b.events);
    }
    return out;
  }
  ids(): Set<string> {
    return new Set(this.deduped().map((e) => e.id));
  }
}

export async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function eventBusContract(newBus: () => Promise<EventBus>, options: ContractOptions = {}): void {
  const waitMs = options.waitMs ?? 20_000;
  const sub = (group: string, log: BatchLog, extra: Partial<SubscribeOptions> = {}): SubscribeOptions => ({
    group,
    families: ['snmp'],
    handler: log.handler,
    maxBatchWaitMs: 50,
    ...extra,
  });

  it('delivers published events to a subscriber of their family, and only those', async () => {
    const bus = await newBus();
    const tag = uniq('roundtrip');
    const log = new BatchLog(tag);
    const s = await bus.subscribe(sub(uniq('g'), log));
    const metrics = metricEvents(tag, 'r1', 20);
    await bus.publish([...metrics.slice(0, 10), syslogEvent(tag, 'r1', 'not for snmp'), ...metrics.slice(10)]);
    await waitFor('20 events', () => log.ids().size >= 20, waitMs);
    expect([...log.ids()].sort()).toEqual(metrics.map((e) => e.id).sort());
    expect(log.deduped().every((e) => e.kind === 'snmp.metric')).toBe(true);
    expect(log.deduped()[0]).toEqual(metrics[0]);
    expect(log.batches.every((b) => b.invalid === 0 && b.dedupToken.length > 0)).toBe(true);
    await s.close();
    await bus.close();
  });

  it('keeps each device\'s events in publish order', async () => {
    const bus = await newBus();
    const tag = uniq('order');
    const log = new BatchLog(tag);
    const s = await bus.subscribe(sub(uniq('g'), log, { maxBatchEvents: 37 }));
    const devices = ['d1', 'd2', 'd3', 'd4', 'd5'];
    for (let round = 0; round < 10; round++) {
      // interleave devices within one publish call and across calls
      const events = devices.flatMap((d) => metricEvents(tag, d, 20, round * 20));
      await bus.publish(events);
    }
    await waitFor('1000 events', () => log.ids().size >= 1000, waitMs);
    const lastSeq = new Map<string, number>();
    for (const e of log.deduped()) {
      const prev = lastSeq.get(e.device.id) ?? -1;
      expect(seqOf(e)).toBe(prev + 1);
      lastSeq.set(e.device.id, seqOf(e));
    }
    expect([...lastSeq.values()]).toEqual([199, 199, 199, 199, 199]);
    expect(log.batches.every((b) => b.events.length <= 37)).toBe(true);
    await s.close();
    await bus.close();
  });

  it('redelivers the same batch, with the same dedupToken, after the handler throws', async () => {
    const bus = await newBus();
    const tag = uniq('retry');
    const calls: EventBatch[] = [];
    let failures = 0;
    const s = await bus.subscribe({
      group: uniq('g'),
      families: ['snmp'],
      maxBatchWaitMs: 200,
      handler: async (batch) => {
        if (!batch.events.some((e) => e.collector === tag)) return;
        calls.push(batch);
        if (failures < 2) {
          failures++;
          throw new Error('sink down');
        }
      },
    });
    await bus.publish(metricEvents(tag, 'x1', 5));
    await waitFor('a third delivery', () => calls.length >= 3, waitMs);
    const [original, ...again] = calls;
    for (const redelivered of again.slice(0, 2)) {
      expect(redelivered.dedupToken).toBe(original?.dedupToken);
      expect(redelivered.events).toEqual(original?.events);
    }
    await s.close();
    await bus.close();
  });

  it('gives every subscription group all the events', async () => {
    const bus = await newBus();
    const tag = uniq('groups');
    const a = new BatchLog(tag);
    const b = new BatchLog(tag);
    const sa = await bus.subscribe(sub(uniq('ga'), a));
    const sb = await bus.subscribe(sub(uniq('gb'), b));
    const events = metricEvents(tag, 'g1', 100);
    await bus.publish(events);
    await waitFor('both groups', () => a.ids().size >= 100 && b.ids().size >= 100, waitMs);
    expect(a.ids()).toEqual(new Set(events.map((e) => e.id)));
    expect(b.ids()).toEqual(new Set(events.map((e) => e.id)));
    await sa.close();
    await sb.close();
    await bus.close();
  });

  it('flushes what publish() accepted when closed', async () => {
    const bus = await newBus();
    const tag = uniq('close');
    const group = uniq('g');
    const first = new BatchLog(tag);
    await bus.subscribe(sub(group, first));
    const events = metricEvents(tag, 'c1', 300);
    // not awaited: close() must still deliver (memory) or send (kafka) all of them
    const published = Promise.all([0, 100, 200].map((i) => bus.publish(events.slice(i, i + 100))));
    await bus.close();
    await expect(published).resolves.toBeDefined();
    await expect(bus.publish(events.slice(0, 1))).rejects.toThrow('closed');
    // whatever the closed bus' subscriber did not get, a new handle on the same cluster does
    const again = await newBus();
    const second = new BatchLog(tag);
    const s2 = await again.subscribe(sub(group, second));
    const all = () => new Set([...first.ids(), ...second.ids()]);
    await waitFor('300 events across both handles', () => all().size >= 300, waitMs);
    expect(all()).toEqual(new Set(events.map((e) => e.id)));
    await s2.close();
    await again.close();
  });
}
