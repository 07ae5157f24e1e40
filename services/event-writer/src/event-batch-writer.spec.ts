import { Registry } from 'prom-client';
import type { EventBatch } from '@sonde/bus/event-bus';
import { createEvent } from '@sonde/events/create-event';
import { SondeError } from '@sonde/events/sonde-error';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { EventStore, InsertOptions, InsertReport } from '@sonde/store/event-store';
import { EventBatchWriter } from './event-batch-writer';
import { EventWriterMetrics } from './event-writer.metrics';

/**
 * A store that keeps rows in memory with ClickHouse's token semantics (a token seen before
 * writes nothing) and fails its first `failures` inserts — the writer's retry and dedup
 * logic is what is under test here; the real store has its own tests on chDB/ClickHouse.
 */
class TokenDedupStore implements EventStore {
  rows: SondeEvent[] = [];
  tokens = new Set<string>();
  attempts = 0;
  options: InsertOptions[] = [];
  constructor(private failures: number) {}
  async insert(events: readonly SondeEvent[], options: InsertOptions = {}): Promise<InsertReport> {
    this.attempts++;
    this.options.push(options);
    if (this.failures > 0) {
      this.failures--;
      throw new SondeError('unavailable', 'server down', { url: 'http://127.0.0.1:1' });
    }
    const seen = options.dedupToken !== undefined && this.tokens.has(options.dedupToken);
    if (options.dedupToken) this.tokens.add(options.dedupToken);
    if (!seen) this.rows.push(...events);
    // like the real store: only a possible redelivery is checked
    return { deduplicatedKinds: new Set(seen && options.mayBeRedelivered ? events.map((e) => e.kind) : []) };
  }
  async migrate() { return { applied: [], alreadyApplied: [] }; }
  async query() { return []; }
  async ping() {}
  async close() {}
}

const origin = { site: 'lab', collector: 't' };
const batchOf = (n: number, token: string): EventBatch => ({
  source: 'memory/0',
  dedupToken: token,
  invalid: 0,
  events: Array.from({ length: n }, (_, i) =>
    createEvent('snmp.metric', origin, { id: `d${i % 3}`, address: '127.0.0.1' }, { group: 'g', samples: [] }),
  ),
});

describe('EventBatchWriter', () => {
  it('makes one insert attempt, without the store retries, and hands a failed batch back to the bus (throws), reporting not ready', async () => {
    const store = new TokenDedupStore(1);
    const registry = new Registry();
    const writer = new EventBatchWriter(store, new EventWriterMetrics(registry));
    await expect(writer.write(batchOf(2, 't2'))).rejects.toThrow('server down');
    expect(store.attempts).toBe(1);
    expect(store.options[0]).toMatchObject({ dedupToken: 't2', retry: false });
    expect(writer.status()).toEqual({ ok: false, detail: 'insert failing: server down' });
    const text = await registry.metrics();
    expect(text).toContain('sonde_event_writer_insert_failures_total{code="unavailable"} 1');
    expect(text).toContain('sonde_event_writer_batches_returned_total 1');
  });

  it('a redelivered batch (same token) is stored once and counted as deduplicated, not written', async () => {
    const store = new TokenDedupStore(0);
    const registry = new Registry();
    const writer = new EventBatchWriter(store, new EventWriterMetrics(registry));
    const batch = batchOf(5, 'sonde.snmp.v1/0/0-4');
    await writer.write(batch);
    expect(store.options[0]?.mayBeRedelivered).toBe(false);
    await writer.write({ ...batch, redelivered: true });
    expect(store.options[1]?.mayBeRedelivered).toBe(true);
    expect(store.rows).toHaveLength(5);
    const text = await registry.metrics();
    expect(text).toContain('sonde_event_writer_events_written_total{kind="snmp.metric"} 5');
    expect(text).toContain('sonde_event_writer_events_deduplicated_total{kind="snmp.metric"} 5');
    expect(writer.status().ok).toBe(true);
  });

  it('counts undecodable messages as drops and skips empty batches', async () => {
    const store = new TokenDedupStore(0);
    const registry = new Registry();
    const writer = new EventBatchWriter(store, new EventWriterMetrics(registry));
    await writer.write({ source: 'x', dedupToken: 'x', invalid: 4, events: [] });
    expect(store.attempts).toBe(0);
    expect(await registry.metrics()).toContain('sonde_event_writer_dropped_total 4');
  });
});
