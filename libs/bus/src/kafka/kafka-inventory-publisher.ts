import { randomUUID } from 'node:crypto';
import { Kafka, type Admin } from 'kafkajs';
import type { BusConfig } from '../bus.config';
import { INVENTORY_MARKER_KEY, type InventoryMarker } from '../published-targets';
import { partitionOf } from '../target-assignment';
import { kafkajsLogCreator } from './kafkajs-logger';
import { createTopicsWithLeaders } from './topic-leaders';
import { silentBusLogger } from '../bus-logger';

export interface InventoryPublication {
  topic: string;
  partitions: number;
  written: number;
  removed: string[];
}

/**
 * `sonde inventory apply` for one site: makes `<prefix>sonde.targets.<site>` hold exactly
 * `devices` (published-targets.ts): reads what the topic holds now, writes one record per device
 * (key = id, on partition `partitionOf(id)` — the partition whose owner polls it), a tombstone
 * per device no longer listed, then the marker on every partition (the partition is then
 * authoritative: the replicas' config-file devices there are ignored). Idempotent producer,
 * acks=all; records of one partition stay in order, so a replica reads devices before the marker.
 */
export async function publishInventory(
  config: BusConfig,
  site: string,
  devices: readonly { id: string; entry: unknown }[],
  source: string,
): Promise<InventoryPublication> {
  const k = config.kafka;
  const topic = `${k.topicPrefix}sonde.targets.${site}`;
  const kafka = new Kafka({ clientId: `${k.clientId}-inventory-apply`, brokers: k.brokers, connectionTimeout: k.connectionTimeoutMs, logCreator: kafkajsLogCreator(silentBusLogger) });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const partitions = await ensureTopic(admin, topic, k.targets.partitions, k.replicationFactor);
    const current = await liveKeys(kafka, admin, topic);
    const wanted = new Set(devices.map((d) => d.id));
    const removed = [...current].filter((id) => id !== INVENTORY_MARKER_KEY && !wanted.has(id)).sort();
    const marker: InventoryMarker = { appliedAt: Date.now(), devices: devices.length, source };
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: [
          ...devices.map((d) => ({ key: d.id, value: JSON.stringify(d.entry), partition: partitionOf(d.id, partitions) })),
          ...removed.map((id) => ({ key: id, value: null, partition: partitionOf(id, partitions) })),
          ...Array.from({ length: partitions }, (_, p) => ({ key: INVENTORY_MARKER_KEY, value: JSON.stringify(marker), partition: p })),
        ],
      });
    } finally {
      await producer.disconnect();
    }
    return { topic, partitions, written: devices.length, removed };
  } finally {
    await admin.disconnect();
  }
}

async function ensureTopic(admin: Admin, topic: string, partitions: number, replicationFactor: number): Promise<number> {
  if (!(await admin.listTopics()).includes(topic)) {
    await createTopicsWithLeaders(admin, [{ topic, numPartitions: partitions, replicationFactor, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }]);
  }
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  const count = meta.topics[0]?.partitions.length ?? 0;
  if (count < 1) throw new Error(`topic ${topic} has no partitions`);
  return count;
}

/** The keys with a live (non-tombstone) latest record, read to the current end of every partition. */
async function liveKeys(kafka: Kafka, admin: Admin, topic: string): Promise<Set<string>> {
  const ends = new Map<number, bigint>();
  for (const o of await admin.fetchTopicOffsets(topic)) if (BigInt(o.high) > BigInt(o.low)) ends.set(o.partition, BigInt(o.high) - 1n);
  const live = new Set<string>();
  if (ends.size === 0) return live;
  const groupId = `sonde-inventory-apply-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} to its end took more than 60 s`)), 60_000);
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              const key = m.key?.toString() ?? '';
              if (m.value === null) live.delete(key);
              else live.add(key);
            }
            const end = ends.get(batch.partition);
            if (end !== undefined && BigInt(batch.lastOffset()) >= end) ends.delete(batch.partition);
            if (ends.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return live;
}
