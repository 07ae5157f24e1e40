import type { EventFamily } from '@sonde/events/event-kind';
import type { SondeEvent } from '@sonde/events/sonde-event';

/**
 * A batch handed to a subscriber. A batch that is redelivered (after a crash, a rebalance or
 * a failed handler) carries the same `dedupToken` and the same events in the same order, so a
 * sink can make its write idempotent with it (ClickHouse insert_deduplication_token).
 */
export interface EventBatch {
  /** Where the batch came from, e.g. `sonde.snmp.v1/3` (topic/partition) or `memory/0`. */
  source: string;
  /** The Kafka partition number (Kafka adapters; the same number in every co-partitioned topic). */
  partition?: number;
  /** Deterministic identity of this batch: stable across redelivery. */
  dedupToken: string;
  events: SondeEvent[];
  /** Messages in the range that failed to decode; counted by the adapter, skipped here. */
  invalid: number;
  /**
   * This batch (same token, same events) may have been handed out before: it was resumed from
   * another consumer's unfinished intent (crash, rebalance), or a handler call of it threw. A
   * sink that counts what it stores checks what is already there (event-writer).
   */
  redelivered?: boolean;
}

export type BatchHandler = (batch: EventBatch) => Promise<void>;

export interface SubscribeOptions {
  /** Consumer group: replicas sharing a group share the partitions. */
  group: string;
  families: readonly EventFamily[];
  handler: BatchHandler;
  /** Upper bound on events per batch. */
  maxBatchEvents?: number;
  /** How long to wait to fill a batch before handing over what there is. */
  maxBatchWaitMs?: number;
  /**
   * Called after each group join with the partition numbers this member owns now (the event
   * topics are co-partitioned, so the same numbers in every topic), before any batch of the new
   * generation is handed out. Kafka adapters only: the memory bus has one member that owns
   * everything and never calls it. The alert engine adopts the devices of partitions it gained
   * (even silent ones: absence) and forgets those of partitions it lost.
   */
  onAssignment?(partitions: readonly number[]): void;
  /**
   * Kafka: bytes one fetch may bring per partition (default `kafka.consumer.maxBytesPerPartition`).
   * A batch is cut from what the fetches buffered, so this caps a batch too: 1 MiB holds ~1 000
   * events of 1 KB, whatever maxBatchEvents says. A consumer wanting large batches (the
   * event-writer: one insert per batch) sizes it to hold maxBatchEvents. Memory bus: unused.
   */
  maxBytesPerPartition?: number;
  /**
   * Kafka: partitions whose batches are handed to the handler at once (default
   * `kafka.consumer.partitionsConsumedConcurrently`, 6). A handler that groups the batches it
   * holds into one write (the event-writer: one insert per table for all of them) wants at least
   * as many as the partitions it owns — with fewer, the partitions take turns and each turn waits
   * for a write of its own. Memory bus: unused (one batch at a time).
   */
  partitionsConsumedConcurrently?: number;
}

export interface Subscription {
  /** Stops consuming; the batch in flight finishes and is committed first. */
  close(): Promise<void>;
}

export interface BusHealth {
  ok: boolean;
  detail: string;
  /** Events accepted but not yet handed to the broker (memory queue or disk spool). */
  pending: number;
}

/**
 * The EventBus port (design.md §1). Collectors publish; the writer and the alert engine
 * subscribe. Delivery to subscribers is at-least-once: a handler that throws gets the same
 * batch again, and nothing is committed past a batch until its handler resolved.
 */
export interface EventBus {
  /**
   * Accepts events for delivery, keyed by device id (one device's events stay in order);
   * alert.state by its notification group key (partition-key.ts).
   * Resolves once they are durable enough for the adapter's contract: acknowledged by the
   * broker (acks=all) or written to the local spool when it is unreachable. Rejects only
   * when even the spool cannot take them (full): the caller counts that as a drop.
   */
  publish(events: readonly SondeEvent[]): Promise<void>;
  /**
   * publish() calls this bus takes at once without reordering them: each call's events are
   * queued synchronously, in call order, before it returns (the Kafka adapters: their producer
   * cuts requests from that queue in order). Absent = 1: the caller awaits one call before the
   * next (the memory bus can reorder calls that wait for room).
   */
  readonly orderedPublishCalls?: number;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  health(): Promise<BusHealth>;
  /** Flushes what was accepted (as far as possible) and releases resources. */
  close(): Promise<void>;
}
