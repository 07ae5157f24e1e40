import { describe, expect, it } from '@jest/globals';
import { metricEvents, syslogEvent, waitFor } from '../src/event-bus.contract';
import type { EventBatch, Subscription } from '../src/event-bus';
import { kafkaBusConfig, kafkaClients, newKafkaBus, uniquePrefix, type KafkaClient } from './kafka-fixture';

/**
 * SubscribeOptions.partitionsConsumedConcurrently on the real broker: how many partitions' batches
 * a subscriber holds at once. The event-writer sets it above the partitions it owns so that all
 * of them share each insert; with the bus default (6) the 3–5 families × 6 partitions took
 * turns, each turn waiting for an insert of its own (bench/pipeline/RESULTS.md, 2026-12-03).
 *
 * The handler holds every batch until all 12 partitions' batches are held at once, or until no
 * new batch came for QUIET_MS (then it lets them all go): the most held at once is what the
 * subscription allowed.
 */
const QUIET_MS = 2_000;
const PARTITIONS = 6;

interface Measured {
  most: number;
  sources: Set<string>;
  /** distinct event ids handed to the handler */
  distinct: number;
  expected: number;
  /** a batch came flagged `redelivered`: the group rebalanced mid-measurement (at-least-once allows the copies) */
  rejoined: boolean;
  /** events handed again in a batch not flagged `redelivered`: never allowed */
  unflaggedCopies: number;
}

async function mostHeldAtOnce(client: KafkaClient, cap: number): Promise<Measured> {
  const prefix = uniquePrefix(`${client}-concurrency-${cap}`);
  const bus = await newKafkaBus(kafkaBusConfig(prefix, { client, partitions: PARTITIONS }));
  let sub: Subscription | null = null;
  try {
    // 32 devices: their keys hash onto every one of the 6 partitions of both topics
    const devices = Array.from({ length: 32 }, (_, i) => `router-${i}`);
    const events = devices.flatMap((d) => [...metricEvents('concurrency', d, 5), syslogEvent('concurrency', d, `hello from ${d}`)]);
    await bus.publish(events); // all there before the group joins: the first fetch brings every partition
    const held: (() => void)[] = [];
    const sources = new Set<string>();
    let most = 0;
    const ids = new Set<string>();
    let rejoined = false;
    let unflaggedCopies = 0;
    let lastArrival = Date.now();
    const releaseAll = () => held.splice(0).forEach((release) => release());
    const quiet = setInterval(() => {
      if (held.length > 0 && Date.now() - lastArrival >= QUIET_MS) releaseAll();
    }, 100);
    const handler = (batch: EventBatch) =>
      new Promise<void>((resolve) => {
        sources.add(batch.source);
        if (batch.redelivered) rejoined = true;
        for (const e of batch.events) {
          if (ids.has(e.id) && !batch.redelivered) unflaggedCopies++;
          ids.add(e.id);
        }
        lastArrival = Date.now();
        held.push(resolve);
        most = Math.max(most, held.length);
        if (held.length >= 2 * PARTITIONS) releaseAll();
      });
    try {
      sub = await bus.subscribe({ group: `${prefix}writer`, families: ['snmp', 'syslog'], maxBatchEvents: 10_000, partitionsConsumedConcurrently: cap, handler });
      await waitFor('every event', () => ids.size >= events.length, 120_000);
    } finally {
      clearInterval(quiet);
      releaseAll();
    }
    return { most, sources, distinct: ids.size, expected: events.length, rejoined, unflaggedCopies };
  } finally {
    await sub?.close();
    await bus.close();
  }
}

/**
 * A rebalance in the middle (seen once in a full CI run: 330 events handed for 192) hands held
 * batches out again, flagged redelivered, beside the new generation's: the most held at once then
 * measures two generations, not the bound. Such a run is repeated with a new group (up to 3
 * tries); a clean one must come, and copies outside a redelivery fail at once.
 */
async function measure(client: KafkaClient, cap: number): Promise<Measured> {
  for (let attempt = 1; ; attempt++) {
    const r = await mostHeldAtOnce(client, cap);
    expect(r.unflaggedCopies).toBe(0);
    expect(r.distinct).toBe(r.expected);
    if (!r.rejoined || attempt === 3) {
      expect(r.rejoined).toBe(false);
      return r;
    }
    console.warn(`partition concurrency (${client}, cap ${cap}): the group rebalanced mid-measurement (batches redelivered); measuring again with a new group`);
  }
}

describe.each(kafkaClients)('partitions handled at once (client %s)', (client: KafkaClient) => {
  it('holds the batches of every partition at once when partitionsConsumedConcurrently covers them (one insert for all, the event-writer)', async () => {
    const r = await measure(client, 64);
    expect(r.sources.size).toBe(2 * PARTITIONS);
    expect(r.most).toBe(r.sources.size);
  });

  it('never holds more partitions at once than partitionsConsumedConcurrently', async () => {
    const r = await measure(client, 3);
    expect(r.sources.size).toBe(2 * PARTITIONS);
    expect(r.most).toBe(3);
  });
});
