import { describe, expect, it } from '@jest/globals';
import { Admin } from '@platformatic/kafka';
import { metricEvents, waitFor } from '../src/event-bus.contract';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { topicOfFamily } from '../src/kafka/spooling-kafka-bus';
import { kafkaBrokers, kafkaBusConfig, kafkaClients, newKafkaBus, uniquePrefix, type KafkaClient } from './kafka-fixture';

/**
 * `bus.kafka.producer.compression: zstd` on the real broker: @platformatic/kafka compresses
 * with Node's zlib itself, kafkajs through the codec of kafka/kafkajs-zstd.ts. Either
 * client must read what the other wrote (a site may run both during a migration), and the
 * broker must hold compressed batches, not the JSON as sent.
 */
const PARTITIONS = 3;

function events(prefix: string): SondeEvent[] {
  return Array.from({ length: 20 }, (_, d) => metricEvents(prefix, `router-${d}`, 25)).flat();
}

async function roundTrip(producer: KafkaClient, consumer: KafkaClient, compression: 'zstd' | 'none') {
  const prefix = uniquePrefix(`compression-${compression}-${producer}-${consumer}`);
  const sent = events(prefix);
  const writer = await newKafkaBus(kafkaBusConfig(prefix, { client: producer, partitions: PARTITIONS, producer: { compression } }));
  try {
    await writer.publish(sent);
  } finally {
    await writer.close();
  }
  const reader = await newKafkaBus(kafkaBusConfig(prefix, { client: consumer, partitions: PARTITIONS }));
  const got = new Map<string, SondeEvent>();
  try {
    const sub = await reader.subscribe({ group: `${prefix}reader`, families: ['snmp'], handler: async (b) => void b.events.forEach((e) => got.set(e.id, e)) });
    await waitFor(`${sent.length} events`, () => got.size >= sent.length, 60_000);
    await sub.close();
  } finally {
    await reader.close();
  }
  return { prefix, sent, got };
}

/** Bytes the broker holds for the snmp topic of `prefix` (its log segments, all partitions). */
async function logBytes(prefix: string): Promise<number> {
  const admin = new Admin({ clientId: 'compression-spec', bootstrapBrokers: kafkaBrokers() });
  try {
    const topic = topicOfFamily(kafkaBusConfig(prefix), 'snmp');
    const dirs = await admin.describeLogDirs({ topics: [{ name: topic, partitions: Array.from({ length: PARTITIONS }, (_, i) => i) }] });
    let bytes = 0;
    for (const broker of dirs) for (const dir of broker.results) for (const t of dir.topics) for (const p of t.partitions) bytes += Number(p.partitionSize);
    return bytes;
  } finally {
    await admin.close();
  }
}

describe('batch compression on the Kafka bus', () => {
  describe.each(kafkaClients.flatMap((p) => kafkaClients.map((c) => [p, c] as const)))('written by %s, read by %s', (producer, consumer) => {
    it('hands every event back as it was published', async () => {
      const { sent, got } = await roundTrip(producer, consumer, 'zstd');
      expect(got.size).toBe(sent.length);
      for (const e of sent) expect(got.get(e.id)).toEqual(e);
    });
  });

  it.each(kafkaClients)('the broker holds compressed batches (%s producer): under half the bytes of the same events uncompressed', async (client) => {
    const zstd = await roundTrip(client, client, 'zstd');
    const none = await roundTrip(client, client, 'none');
    const [zstdBytes, noneBytes] = [await logBytes(zstd.prefix), await logBytes(none.prefix)];
    expect(noneBytes).toBeGreaterThan(sentBytes(none.sent) * 0.9); // the uncompressed log holds the JSON itself
    console.log(`log bytes: zstd ${zstdBytes}, none ${noneBytes}, JSON ${sentBytes(none.sent)}`);
    expect(zstdBytes).toBeLessThan(noneBytes / 2);
  });
});

function sentBytes(events: SondeEvent[]): number {
  return events.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0);
}
