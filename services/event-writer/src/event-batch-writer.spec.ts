import { Registry } from 'prom-client';
import type { EventBatch } from '@sonde/bus/event-bus';
import { createEvent } from '@sonde/events/create-event';
import { SondeError } from '@sonde/events/sonde-error';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { EventStore, InsertOptions } from '@sonde/store/event-store';
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
  constructor(private failures: number) {}
  async insert(events: readonly SondeEvent[], options?: InsertOptions): Promise<void> {
    this.attempts++;
    if (this.failures > 0) {
      this.failures--;
      throw new SondeError('unavailable', 'server down', { url: 'http://127.0.0.1:1' });
    }
    if (options?.dedupToken && this.tokens.has(options.dedupToken)) return;
    if (options?.dedupToken) this.tokens.add(options.dedupToken);
    this.rows.push(...events);
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
  const sleeps: number[] = [];
  const sleep = async (ms: number) => { sleeps.push(ms); };
  beforeEach(() => { sleeps.length = 0; });

  it('retries a failing insert with doubling backoff until it succeeds', async () => {
    const store = new TokenDedupStore(3);
    const registry = new Registry();
    const writer = new EventBatchWriter(store, new EventWriterMetrics(registry), { insertAttempts: 5, retryBackoffMs: 100, sleep });
    await writer.write(batchOf(10, 't1'));
    expect(store.rows).toHaveLength(10);
    expect(sleeps).toEqual([100, 200, 400]);
    expect(writer.status().ok).toBe(true);
    const text = await registry.metrics();
    expect(text).toContain('sonde_event_writer_insert_failures_total{code="unavailable"} 3');
    expect(text).toContain('sonde_event_writer_events_written_total{kind="snmp.metric"} 10');
  });

  it('hands the batch back (throws) after the last attempt, and reports not ready', async () => {
    const store = new TokenDedupStore(10);
    const writer = new EventBatchWriter(store, new EventWriterMetrics(new Registry()), { insertAttempts: 3, retryBackoffMs: 1, sleep });
    await expect(writer.write(batchOf(2, 't2'))).rejects.toThrow('server down');
    expect(store.attempts).toBe(3);
    expect(writer.status()).toEqual({ ok: false, detail: 'insert failing: server down' });
  });

  it('a redelivered batch (same token) is stored once', async () => {
    const store = new TokenDedupStore(0);
    const writer = new EventBatchWriter(store, new EventWriterMetrics(new Registry()), { insertAttempts: 1, retryBackoffMs: 1, sleep });
    const batch = batchOf(5, 'sonde.snmp.v1/0/0-4');
    await writer.write(batch);
    await writer.write(batch);
    expect(store.rows).toHaveLength(5);
  });

  it('counts undecodable messages as drops and skips empty batches', async () => {
    const store = new TokenDedupStore(0);
    const registry = new Registry();
    const writer = new EventBatchWriter(store, new EventWriterMetrics(registry), { insertAttempts: 1, retryBackoffMs: 1, sleep });
    await writer.write({ source: 'x', dedupToken: 'x', invalid: 4, events: [] });
    expect(store.attempts).toBe(0);
    expect(await registry.metrics()).toContain('sonde_event_writer_dropped_total 4');
  });
});
