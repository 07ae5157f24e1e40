import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { kafkaBusConfigSchema } from '../bus.config';
import { BusMetrics } from '../bus.metrics';
import { SegmentSpool } from '../spool/segment-spool';
import type { SpoolRecord } from '../spool/spool-record';
import { BATCH_OVERHEAD_BYTES, KafkaPublisher, recordBytes, type RecordSender } from './kafka-publisher';
import { SerialSends } from './serial-sends';

/** A broker stand-in: records what it was sent, enforces a record batch limit like max.message.bytes. */
class FakeSender implements RecordSender {
  sent: SpoolRecord[][] = [];
  inFlight = 0;
  maxSeenInFlight = 0;
  /** Sends from this one on (0-based, in call order) fail, as in an outage. */
  failFrom = Number.POSITIVE_INFINITY;
  private calls = 0;

  constructor(readonly limit: number | null) {}

  async connect(): Promise<void> {}
  async drop(): Promise<void> {}
  isRejected(err: unknown): boolean {
    return (err as Error).message === 'MESSAGE_TOO_LARGE';
  }
  messageLimit(): number | null {
    return this.limit;
  }
  async send(records: readonly SpoolRecord[]): Promise<void> {
    const call = this.calls++;
    this.inFlight++;
    this.maxSeenInFlight = Math.max(this.maxSeenInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 5));
    this.inFlight--;
    if (call >= this.failFrom) throw new Error('ECONNREFUSED');
    const bytes = records.reduce((n, r) => n + recordBytes(r), BATCH_OVERHEAD_BYTES);
    if (this.limit !== null && bytes > this.limit) throw new Error('MESSAGE_TOO_LARGE');
    this.sent.push([...records]);
  }
}

/**
 * A broker that loses one request (its first attempt times out unwritten) but would take every
 * later one, as @platformatic/kafka's producer-id recovery and kafkajs' concurrent sendBatch let
 * it: behind SerialSends, as both real senders are.
 */
class OneTimeoutSender extends FakeSender {
  private readonly sends = new SerialSends((err) => this.isRejected(err));
  private first = true;
  override async drop(): Promise<void> {
    this.sends.reset();
  }
  override send(records: readonly SpoolRecord[]): Promise<void> {
    return this.sends.run(async () => {
      if (this.first) {
        this.first = false;
        throw new Error('REQUEST_TIMED_OUT');
      }
      await super.send(records);
    });
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sonde-publisher-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A record whose value starts with its index (u32 BE). */
const rec = (i: number, size: number): SpoolRecord => {
  const value = Buffer.alloc(size, 48 + (i % 10));
  value.writeUInt32BE(i, 0);
  return { topic: 'sonde.syslog.v1', key: `dev-${i % 4}`, value };
};
const indexOf = (r: SpoolRecord) => r.value.readUInt32BE(0);

/** Everything the spool holds, in order (read and acknowledged: what the replayer would send). */
async function drainSpool(spool: SegmentSpool): Promise<SpoolRecord[]> {
  const out: SpoolRecord[] = [];
  for (;;) {
    const batch = await spool.read(1_000, 10_000_000);
    if (!batch.records.length) return out;
    out.push(...batch.records);
    await spool.ack(batch.next, batch.records.length);
  }
}

async function newPublisher(sender: FakeSender, producer: Record<string, unknown> = {}) {
  const registry = new Registry();
  const metrics = new BusMetrics(registry);
  const config = kafkaBusConfigSchema.parse({ producer: { lingerMs: 0, ...producer }, spool: { dir, fsync: 'never', retryInitialMs: 10_000 } });
  const spool = await SegmentSpool.open(config.spool, { metrics });
  const publisher = new KafkaPublisher(sender, config, spool, metrics, { info() {}, warn() {}, error() {} } as never);
  publisher.start();
  const tooLarge = async () => (await registry.getSingleMetricAsString('sonde_bus_publish_failures_total')).match(/reason="too_large"} (\d+)/)?.[1] ?? '0';
  return { publisher, spool, tooLarge };
}

describe('KafkaPublisher', () => {
  it('cuts requests by encoded size below the broker limit; a call spanning requests resolves once all are sent', async () => {
    const sender = new FakeSender(64 * 1024);
    const { publisher, tooLarge } = await newPublisher(sender, { batchBytes: 10 * 1024 * 1024 });
    // 48 KB records (an 8 KB datagram of control bytes, JSON-escaped) and ordinary 8 KB ones
    const records = Array.from({ length: 40 }, (_, i) => rec(i, i % 2 ? 48 * 1024 : 8 * 1024));
    await publisher.publish(records, records.reduce((n, r) => n + r.value.length, 0));
    expect(sender.sent.flat()).toEqual(records);
    for (const request of sender.sent) expect(request.reduce((n, r) => n + recordBytes(r), BATCH_OVERHEAD_BYTES)).toBeLessThanOrEqual(64 * 1024);
    expect(await tooLarge()).toBe('0');
    await publisher.close();
  });

  it('drops only a record that can never fit, counted as too_large; a call of nothing else rejects naming its key', async () => {
    const sender = new FakeSender(16 * 1024);
    const { publisher, tooLarge } = await newPublisher(sender);
    const records = [rec(0, 1_000), rec(1, 20 * 1024), rec(2, 1_000)];
    await publisher.publish(records, 22 * 1024);
    expect(sender.sent.flat()).toEqual([records[0], records[2]]);
    expect(await tooLarge()).toBe('1');
    await expect(publisher.publish([rec(5, 30 * 1024)], 30 * 1024)).rejects.toThrow('keyed dev-1');
    expect(await tooLarge()).toBe('2');
    await publisher.close();
  });

  it('a request that failed while later ones were queued goes to the spool with all of them behind it, none sent around it', async () => {
    const sender = new OneTimeoutSender(null);
    const { publisher, spool } = await newPublisher(sender, { batchEvents: 10, maxInFlight: 5 });
    const records = Array.from({ length: 50 }, (_, i) => rec(i, 100));
    await Promise.all(Array.from({ length: 5 }, (_, c) => publisher.publish(records.slice(c * 10, c * 10 + 10), 1_000)));
    const spooled = await drainSpool(spool);
    // what reached the broker and then the spool, in that order, is the order of the calls
    expect([...sender.sent.flat(), ...spooled].map(indexOf)).toEqual(records.map(indexOf));
    expect(sender.sent.flat().length).toBe(0);
    await publisher.close();
  });

  it('keeps up to maxInFlight requests in flight, and keeps their order when one fails into the spool', async () => {
    const sender = new FakeSender(null);
    sender.failFrom = 2;
    const { publisher, spool } = await newPublisher(sender, { batchEvents: 10, maxInFlight: 5 });
    const records = Array.from({ length: 100 }, (_, i) => rec(i, 100));
    const calls = Array.from({ length: 10 }, (_, c) => publisher.publish(records.slice(c * 10, c * 10 + 10), 1_000));
    await Promise.all(calls);
    expect(sender.maxSeenInFlight).toBeGreaterThan(1);
    expect(sender.maxSeenInFlight).toBeLessThanOrEqual(5);
    const spooled = await drainSpool(spool);
    // the requests in flight behind the failed one failed too; all of them went to the spool in cut order
    expect(sender.sent.flat().map(indexOf)).toEqual(records.slice(0, 20).map(indexOf));
    expect(spooled.map(indexOf)).toEqual(records.slice(20).map(indexOf));
    await publisher.close();
  });
});
