import type { BusLogger } from './bus-logger';

/**
 * The TargetAssignment port (design.md §5 "Scaling out"): which of a site's targets (devices to
 * poll or ping) this replica of a service owns. Targets are hashed onto P shards with
 * `partitionOf`; the adapter says which shards are ours and tells us when that changes.
 *
 * Adapters: `memory/` (one process: owns everything) and `kafka/` (the shards are the partitions
 * of `sonde.targets.<site>` that the consumer group `sonde-<service>-<site>` assigns to this
 * member, so Kafka's rebalance is the failover). Chosen by `bus.type` (create-target-assignment.ts).
 */
/** Who shares the targets: the replicas of `service` at `site` (one consumer group). */
export interface TargetAssignmentIdentity {
  service: string;
  site: string;
}

export interface TargetAssignmentDeps {
  logger?: BusLogger;
}

export interface TargetAssignment {
  /**
   * Joins (Kafka: the consumer group) and calls `onChange` with the shards owned after each
   * assignment — the whole set each time, never a delta; `'all'` when this process owns every
   * target. Before the first call the replica owns nothing. Also called when the published
   * devices of the owned shards change (see `devices`). Resolves once joined.
   */
  start(onChange: (owned: ReadonlySet<number> | 'all') => void): Promise<void>;
  /** Whether this replica polls the device now: `partitionOf(deviceId)` is an owned shard. */
  owns(deviceId: string): boolean;
  /**
   * The site's devices as this replica knows them: the config file's (`fileDevices`), except in
   * owned partitions that `sonde inventory apply` marked, whose devices are the records published
   * there (`parse` turns one into a device, or refuses it with undefined). `start`'s `onChange`
   * is called again whenever those records change, so an applied inventory reaches a running
   * replica without a restart (published-targets.ts). memory: `fileDevices`.
   */
  devices<T extends { id: string }>(fileDevices: readonly T[], parse: (raw: unknown, id: string) => T | undefined): T[];
  /** Leaves the group (the others take over at once, without waiting for the session timeout). */
  close(): Promise<void>;
}

const encoder = new TextEncoder();

/**
 * Kafka's murmur2 (org.apache.kafka.common.utils.Utils#murmur2, seed 0x9747b28c), the hash of
 * Kafka's default partitioner in Java and in kafkajs. We use it rather than FNV-1a so that a
 * record keyed by a device id in `sonde.targets.<site>` lands, with any stock producer, on the
 * very partition whose owner polls that device: the topic can carry the target list itself.
 * Returns a signed 32-bit integer, as Java does. kafka/kafka-target-assignment.spec.ts checks
 * it against kafkajs' own implementation.
 */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4] ?? 0) | ((data[i4 + 1] ?? 0) << 8) | ((data[i4 + 2] ?? 0) << 16) | ((data[i4 + 3] ?? 0) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = length & ~3;
  const rest = length % 4; // Java's switch with fall-through, unrolled
  if (rest === 3) h ^= (data[tail + 2] ?? 0) << 16;
  if (rest >= 2) h ^= (data[tail + 1] ?? 0) << 8;
  if (rest >= 1) {
    h ^= data[tail] ?? 0;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * The shard of a device: `toPositive(murmur2(utf8(id))) % partitions`, exactly Kafka's default
 * partitioner for a record keyed by the device id. Stable across processes, restarts and
 * versions (it depends on the id bytes only).
 */
export function partitionOf(deviceId: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  return (murmur2(encoder.encode(deviceId)) & 0x7fffffff) % partitions;
}
