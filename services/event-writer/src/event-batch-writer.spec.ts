import { Registry } from 'prom-client';
import type { EventBatch } from '@sonde/bus/event-bus';
import { createEvent } from '@sonde/events/create-event';
import { SondeError } from '@sonde/events/sonde-error';
import type { EventStore, InsertOptions, InsertReport } from '@sonde/store/event-store';
import type { TableRows } from '@sonde/store/rows/event-rows';
import { EventBatchWriter } from './event-batch-writer';
import { EventWriterMetrics } from './event-writer.metrics';
import type { BatcherClock } from './fill-wait-batcher';

/**
 * A store that keeps rows in memory with ClickHouse's token semantics (a token seen before on a
 * table writes nothing) and fails its first `failures` inserts — the writer's batching, retry and
 * dedup logic is what is under test here; the real store has its own tests on chDB/ClickHouse,
 * and the writer runs on Kafka and chDB in test/event-writer.e2e.int-spec.ts.
 */
class TokenDedupStore implements EventStore {
  rows: { table: string; id: string }[] = [];
  tokens = new Set<string>();
  inserts: { tables: TableRows[]; options: InsertOptions }[] = [];
  attempts = 0;
  constructor(private failures: number) {}
  async insertTableRows(tables: readonly TableRows[], options: InsertOptions = {}): Promise<void> {
    this.attempts++;
    this.inserts.push({ tables: [...tables], options });
    if (this.failures > 0) {
      this.failures--;
      throw new SondeError('unavailable', 'server down', { url: 'http://127.0.0.1:1' });
    }
    for (const { table, rows } of tables) {
      const token = `${options.dedupToken}/${table}`;
      if (options.dedupToken !== undefined && this.tokens.has(token)) continue;
      this.tokens.add(token);
      for (const r of rows) this.rows.push({ table, id: String(r.id) });
    }
  }
  async storedEventIds(tables: readonly TableRows[]): Promise<ReadonlySet<string>> {
    const ids = new Set(tables.flatMap((t) => t.rows.map((r) => String(r.id))));
    return new Set(this.rows.filter((r) => ids.has(r.id)).map((r) => r.id));
  }
  async insert(): Promise<InsertReport> {
    throw new Error('the writer inserts prepared rows');
  }
  async migrate() { return { applied: [], alreadyApplied: [] }; }
  async query() { return []; }
  async ping() {}
  async close() {}
}

/** Timers that fire only when the test says so. */
class ManualClock implements BatcherClock {
  t = 0;
  timers: (() => void)[] = [];
  now() { return this.t; }
  setTimeout(fn: () => void) { this.timers.push(fn); return this.timers.length; }
  clearTimeout() {}
  fire(ms: number) {
    this.t += ms;
    for (const fn of this.timers.splice(0)) fn();
  }
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

const origin = { site: 'lab', collector: 't' };
const sample = { name: 'ifHCInOctets', labels: {}, value: 1, unit: 'By', type: 'counter' as const };
const batchOf = (n: number, token: string, samples = 1): EventBatch => ({
  source: token.split('/').slice(0, 2).join('/'),
  dedupToken: token,
  invalid: 0,
  events: Array.from({ length: n }, (_, i) =>
    createEvent('snmp.metric', origin, { id: `d${i % 3}`, address: '127.0.0.1' }, { group: 'g', samples: Array.from({ length: samples }, () => sample) }),
  ),
});

describe('EventBatchWriter', () => {
  it('makes one insert attempt, without the store retries, and hands a failed batch back to the bus (throws), reporting not ready', async () => {
    const store = new TokenDedupStore(1);
    const registry = new Registry();
    const writer = new EventBatchWriter(store, new EventWriterMetrics(registry));
    await expect(writer.write(batchOf(2, 't2'))).rejects.toThrow('server down');
    expect(store.attempts).toBe(1);
    expect(store.inserts[0]?.options).toMatchObject({ dedupToken: 't2', retry: false });
    expect(writer.status()).toEqual({ ok: false, detail: 'insert failing: server down' });
    const text = await registry.metrics();
    expect(text).toContain('sonde_event_writer_insert_failures_total{code="unavailable"} 1');
    expect(text).toContain('sonde_event_writer_batches_returned_total 1');
    await writer.write(batchOf(2, 't2'));
    expect(writer.status().ok).toBe(true);
  });

  it('a redelivered batch whose events are stored is not inserted again and is counted as deduplicated', async () => {
    const store = new TokenDedupStore(0);
    const registry = new Registry();
    const writer = new EventBatchWriter(store, new EventWriterMetrics(registry));
    const batch = batchOf(5, 'sonde.snmp.v1/0/0-4');
    await writer.write(batch);
    await writer.write({ ...batch, redelivered: true });
    expect(store.inserts).toHaveLength(1);
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

  it('batches of several partitions arriving within the fill wait make one insert per table, settled together', async () => {
    const store = new TokenDedupStore(0);
    const clock = new ManualClock();
    const registry = new Registry();
    const writer = new EventBatchWriter(store, new EventWriterMetrics(registry), { insert: { maxRows: 1_000_000, maxWaitMs: 1000 }, clock });
    await writer.write(batchOf(1, 'sonde.snmp.v1/9/0-0')); // quiet before: inserted at once
    const settled: string[] = [];
    const tokens = ['sonde.snmp.v1/2/0-9', 'sonde.snmp.v1/0/0-9', 'sonde.snmp.v1/1/0-9'];
    const writes = tokens.map((t) => writer.write(batchOf(10, t, 2)).then(() => settled.push(t)));
    await settle();
    expect(store.inserts).toHaveLength(1);
    expect(settled).toEqual([]); // waiting: nothing may be committed yet
    clock.fire(1000);
    await Promise.all(writes);
    expect(store.inserts).toHaveLength(2);
    const second = store.inserts[1];
    expect(second?.tables.map((t) => [t.table, t.rows.length])).toEqual([['snmp_metric', 60]]);
    expect(second?.options.dedupToken).toMatch(/^sonde-writer:v1:3:/);
    expect(await registry.metrics()).toContain('sonde_event_writer_flushes_total 2');
  });

  it('the same batches redelivered after a crash, in other groupings, are stored once', async () => {
    const store = new TokenDedupStore(0);
    const clock = new ManualClock();
    const opts = { insert: { maxRows: 1_000_000, maxWaitMs: 1000 }, clock };
    const a = batchOf(4, 'sonde.snmp.v1/0/0-3');
    const b = batchOf(4, 'sonde.snmp.v1/1/0-3');
    const c = batchOf(4, 'sonde.snmp.v1/2/0-3');
    // first life: an insert just started (x), then a, b and c in one insert; the process dies before the bus commits
    const first = new EventBatchWriter(store, new EventWriterMetrics(new Registry()), opts);
    await first.write(batchOf(1, 'x/0/0-0'));
    const lifeOne = Promise.all([first.write(a), first.write(b), first.write(c)]);
    clock.fire(1000);
    await lifeOne;
    expect(store.inserts.at(-1)?.tables[0]?.rows).toHaveLength(12);
    expect(store.rows).toHaveLength(13);
    // second life: the bus hands a and c back first (redelivered), then b with a new batch d
    const registry = new Registry();
    const second = new EventBatchWriter(store, new EventWriterMetrics(registry), opts);
    const d = batchOf(4, 'sonde.snmp.v1/3/0-3');
    await second.write(batchOf(1, 'y/0/0-0'));
    const early = Promise.all([second.write({ ...a, redelivered: true }), second.write({ ...c, redelivered: true })]);
    clock.fire(1000);
    await early;
    const late = Promise.all([second.write({ ...b, redelivered: true }), second.write(d)]);
    clock.fire(1000);
    await late;
    expect(store.rows).toHaveLength(18);
    expect(new Set(store.rows.map((r) => r.id)).size).toBe(18);
    const text = await registry.metrics();
    expect(text).toContain('sonde_event_writer_events_deduplicated_total{kind="snmp.metric"} 12');
    expect(text).toContain('sonde_event_writer_events_written_total{kind="snmp.metric"} 5');
  });
  it('a redelivered batch stored in part inserts the rest, under a token of its own', async () => {
    const store = new TokenDedupStore(0);
    const writer = new EventBatchWriter(store, new EventWriterMetrics(new Registry()));
    const batch = batchOf(6, 'sonde.snmp.v1/0/0-5');
    // the first life's insert wrote one part of two before the crash
    await new EventBatchWriter(store, new EventWriterMetrics(new Registry())).write({ ...batch, events: batch.events.slice(0, 3) });
    store.tokens.clear();
    store.tokens.add('sonde.snmp.v1/0/0-5/snmp_metric');
    await writer.write({ ...batch, redelivered: true });
    expect(store.rows).toHaveLength(6);
    expect(store.inserts.at(-1)?.options.dedupToken).toMatch(/^sonde-writer:v1:1:/);
    expect(store.inserts.at(-1)?.tables[0]?.rows.map((r) => r.id)).toEqual(batch.events.slice(3).map((e) => e.id));
  });
});
