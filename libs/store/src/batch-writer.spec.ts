import { Registry } from 'prom-client';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { sampleEvents } from '../test/sample-events';
import { BatchWriter } from './batch-writer';
import type { EventStore, InsertOptions } from './event-store';
import { StoreMetrics } from './store.metrics';

/** A store that records what it was given, and fails while `failing` is set. */
class RecordingStore implements Pick<EventStore, 'insert'> {
  readonly inserts: { ids: string[]; token: string | undefined }[] = [];
  failing = false;
  async insert(events: readonly SondeEvent[], options?: InsertOptions): Promise<void> {
    if (this.failing) throw new Error('ClickHouse down');
    this.inserts.push({ ids: events.map((e) => e.id), token: options?.dedupToken });
  }
}

const events = (n: number): SondeEvent[] => Array.from({ length: n }, (_, i) => sampleEvents(1_000 + i)[1]!);

describe('BatchWriter', () => {
  it('flushes when maxEvents are buffered', async () => {
    const store = new RecordingStore();
    const writer = new BatchWriter(store, { maxEvents: 3, lingerMs: 60_000 });
    const batch = events(7);
    batch.forEach((e) => writer.write(e));
    await writer.flush();
    expect(store.inserts.map((i) => i.ids.length)).toEqual([3, 3, 1]);
    expect(store.inserts.flatMap((i) => i.ids)).toEqual(batch.map((e) => e.id));
  });

  it('flushes after lingerMs', async () => {
    jest.useFakeTimers();
    try {
      const store = new RecordingStore();
      const writer = new BatchWriter(store, { maxEvents: 100, lingerMs: 500 });
      writer.write(events(1)[0]!);
      await jest.advanceTimersByTimeAsync(499);
      expect(store.inserts).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(store.inserts).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('reports a failed flush and retries the same batch with the same token first', async () => {
    const store = new RecordingStore();
    const registry = new Registry();
    const errors: { events: number; token: string }[] = [];
    const writer = new BatchWriter(store, {
      maxEvents: 3, lingerMs: 60_000, metrics: new StoreMetrics(registry), onFlushError: (_e, b) => errors.push(b),
    });
    const [a, b, c] = events(3);
    store.failing = true;
    writer.write(a!);
    writer.write(b!);
    await writer.flush();
    expect(errors).toHaveLength(1);
    expect(writer.pending).toBe(2);
    store.failing = false;
    writer.write(c!);
    await writer.flush();
    // the failed batch was cut before c arrived: it goes out first, as it was
    expect(store.inserts.map((i) => i.ids)).toEqual([[a!.id, b!.id], [c!.id]]);
    expect(store.inserts[0]!.token).toBe(errors[0]!.token);
    expect(writer.pending).toBe(0);
    expect(await registry.getSingleMetricAsString('sonde_store_batch_flushes_total')).toContain('outcome="error"} 1');
  });

  it('drops the oldest failed batches beyond maxPendingEvents, counted', async () => {
    const store = new RecordingStore();
    store.failing = true;
    let dropped = 0;
    const writer = new BatchWriter(store, { maxEvents: 2, lingerMs: 60_000, maxPendingEvents: 4, onDrop: (n) => (dropped += n) });
    const batch = events(8);
    for (const e of batch) writer.write(e);
    await writer.flush();
    expect(dropped).toBe(4);
    store.failing = false;
    await writer.flush();
    expect(store.inserts.flatMap((i) => i.ids)).toEqual(batch.slice(4).map((e) => e.id));
  });

  it('flushes on close and refuses writes after', async () => {
    const store = new RecordingStore();
    const writer = new BatchWriter(store, { maxEvents: 10, lingerMs: 60_000 });
    writer.write(events(1)[0]!);
    await writer.close();
    expect(store.inserts).toHaveLength(1);
    expect(() => writer.write(events(1)[0]!)).toThrow('closed');
  });
});
