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

async function mostHeldAtOnce(client: KafkaClient, cap: number): Promise<{ most: number; sources: Set<string>; events: number; expected: number }> {
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
    let received = 0;
    let lastArrival = Date.now();
    const releaseAll = () => held.splice(0).forEach((release) => release());
    const quiet = setInterval(() => {
      if (held.length > 0 && Date.now() - lastArrival >= QUIET_MS) releaseAll();
    }, 100);
    const handler = (batch: EventBatch) =>
      new Promise<void>((resolve) => {
        sources.add(batch.source);
        received += batch.events.length;
        lastArrival = Date.now();
        held.push(resolve);
        most = Math.max(most, held.length);
        if (held.length >= 2 * PARTITIONS) releaseAll();
      });
    try {
      sub = await bus.subscribe({ group: `${prefix}writer`, families: ['snmp', 'syslog'], maxBatchEvents: 10_000, partitionsConsumedConcurrently: cap, handler });
      await waitFor('every event', () => received >= events.length, 120_000);
    } finally {
      clearInterval(quiet);
      releaseAll();
    }
    return { most, sources, events: received, expected: events.length };
  } finally {
    await sub?.close();
    await bus.close();
  }
}

describe.each(kafkaClients)('partitions handled at once (client %s)', (client: KafkaClient) => {
  it('holds the batches of every partition at once when partitionsConsumedConcurrently covers them (one insert for all, the event-writer)', async () => {
    const r = await mostHeldAtOnce(client, 64);
    expect(r.events).toBe(r.expected);
    expect(r.sources.size).toBe(2 * PARTITIONS);
    expect(r.most).toBe(r.sources.size);
  });

  it('never holds more partitions at once than partitionsConsumedConcurrently', async () => {
    const r = await mostHeldAtOnce(client, 3);
    expect(r.events).toBe(r.expected);
    expect(r.sources.size).toBe(2 * PARTITIONS);
    expect(r.most).toBe(3);
  });
});
