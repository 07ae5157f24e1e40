import { z } from 'zod';

/**
 * The `bus:` section of the config file. Every field has a default, so `bus: {}` (or no
 * section) gives the embedded in-process bus; `bus: { type: kafka, kafka: { brokers: [...] } }`
 * the real one. Types are derived from the schema, never written twice.
 */

const positiveInt = z.number().int().positive();

export const memoryBusConfigSchema = z.object({
  /** Events a subscription group may hold before publish() waits (backpressure). */
  queueCapacity: positiveInt.default(10_000),
  /** How long publish() waits for room in a full queue before it counts a drop and rejects. */
  publishTimeoutMs: positiveInt.default(5_000),
  /** Events published to a family nobody subscribes to yet, kept for the first group that does. */
  backlogCapacity: z.number().int().nonnegative().default(10_000),
  /** close() hands queued events to subscribers for at most this long. */
  closeTimeoutMs: positiveInt.default(30_000),
});
export type MemoryBusConfig = z.infer<typeof memoryBusConfigSchema>;

export const kafkaProducerConfigSchema = z.object({
  /** Micro-batching: wait this long for more events before sending (Kafka's linger.ms). */
  lingerMs: z.number().int().nonnegative().default(5),
  /** Send as soon as this many events are buffered. */
  batchEvents: positiveInt.default(1_000),
  /**
   * …or this many bytes. A request is also cut below the topics' `max.message.bytes` (read from
   * the broker at connect), so this may be larger than the broker's limit.
   */
  batchBytes: positiveInt.default(1024 * 1024),
  /**
   * A single encoded event larger than this is left out at publish, counted as too_large
   * (one larger than the broker's max.message.bytes is, too, once that is known).
   */
  maxEventBytes: positiveInt.default(900 * 1024),
  /**
   * Produce requests cut and queued ahead of the one being sent (1 waits for each
   * acknowledgement before cutting the next). The client is handed one request at a time
   * (kafka/serial-sends.ts: neither client keeps order with concurrent sends after a failure).
   */
  maxInFlight: z.number().int().min(1).max(5).default(5),
  /**
   * Compression of each record batch, by the producer; zstd is Node's zlib on both clients
   * (kafkajs through kafka/kafkajs-zstd.ts). Smaller and faster, but not the default: a consumer
   * catching up zstd batches needs more memory, for a reason not yet found (the figures:
   * libs/bus/README.md "Compression").
   */
  compression: z.enum(['none', 'gzip', 'zstd']).default('none'),
  /**
   * Where the producer runs: `main` (the caller's thread) or `worker` (a thread of its own,
   * kafka/threaded-kafka-bus.ts). With `worker` the caller's thread only JSON-encodes and hands
   * the bytes over; the client, the spool and the replay run beside it, so a UDP receiver's
   * socket is read while requests are built and acknowledged. Same topics, order, spool and
   * metrics either way.
   */
  thread: z.enum(['main', 'worker']).default('main'),
  /** kafkajs retries before a send counts as failed and goes to the spool. */
  retries: z.number().int().nonnegative().default(3),
  requestTimeoutMs: positiveInt.default(10_000),
});

export const kafkaConsumerConfigSchema = z.object({
  /**
   * A member silent this long (SIGKILL, network cut) loses its partitions; until then nobody
   * consumes them. Shorter resumes sooner after a crash, but a member that cannot heartbeat
   * that long (a stalled process) is expelled and its batch redelivered (deduplicated by
   * token). The broker accepts 6 000 – 300 000 (group.min/max.session.timeout.ms).
   */
  sessionTimeoutMs: positiveInt.default(10_000),
  heartbeatIntervalMs: positiveInt.default(1_000),
  /**
   * Static group membership (KIP-345, `client: platformatic` only — kafkajs has none): a
   * replacement process with the same id takes over the dead member's partitions at once,
   * without waiting for its session to time out. One id per replica (a StatefulSet pod name);
   * two live processes with one id fence each other.
   */
  groupInstanceId: z.string().min(1).regex(/^\S+$/, 'no whitespace').optional(),
  rebalanceTimeoutMs: positiveInt.default(60_000),
  /** The broker holds a fetch until this many bytes are ready or maxBatchWaitMs passed. */
  minBytes: positiveInt.default(64 * 1024),
  maxBytesPerPartition: positiveInt.default(1024 * 1024),
  /**
   * Bytes one fetch may return over all its partitions (Java's fetch.max.bytes, 50 MiB). The
   * @platformatic/kafka consumer used to be given maxBytesPerPartition here, so one fetch carried
   * 1 MiB (~1 000 events of 1 KB) for all six partitions: a fetch round trip per 1 000 events.
   */
  maxBytesPerFetch: positiveInt.default(50 * 1024 * 1024),
  /** Partitions whose batches are handled in parallel (order is kept within a partition). */
  partitionsConsumedConcurrently: positiveInt.default(6),
  /** Defaults of SubscribeOptions.maxBatchEvents / maxBatchWaitMs. */
  maxBatchEvents: positiveInt.default(1_000),
  maxBatchWaitMs: positiveInt.default(500),
});

export const spoolConfigSchema = z.object({
  /**
   * Folder of this process's spool (one process per folder: it is locked). Absolute by default,
   * so a process never writes into whatever directory it was started in (Helm mounts
   * /var/lib/sonde); a relative path is relative to the working directory.
   */
  dir: z.string().min(1).default('/var/lib/sonde/bus-spool'),
  /** Disk the spool may use; past it publish() rejects and the caller counts a drop. */
  maxBytes: positiveInt.default(256 * 1024 * 1024),
  segmentBytes: positiveInt.default(16 * 1024 * 1024),
  /**
   * `always`: fsync before publish() resolves (survives power loss); `interval`: fsync every
   * fsyncIntervalMs (survives a process crash, loses at most that much on power loss);
   * `never`: leave it to the OS.
   */
  fsync: z.enum(['always', 'interval', 'never']).default('always'),
  fsyncIntervalMs: positiveInt.default(1_000),
  /** Replay backoff while the broker stays unreachable. */
  retryInitialMs: positiveInt.default(500),
  retryMaxMs: positiveInt.default(10_000),
});
export type SpoolConfig = z.infer<typeof spoolConfigSchema>;

/** Target sharding among a service's replicas at one site (target-assignment.ts, design.md §5). */
export const kafkaTargetsConfigSchema = z.object({
  /**
   * Partitions of `sonde.targets.<site>` = target shards; at most this many replicas share the
   * work (more idle). Used when the topic is created; an existing topic keeps its own count.
   */
  partitions: positiveInt.default(12),
  /** A replica silent this long (SIGKILL, partition) loses its targets to the others. */
  sessionTimeoutMs: positiveInt.default(10_000),
});

export const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;

export const kafkaBusConfigSchema = z.object({
  /**
   * The client library under the Kafka adapter: `platformatic` (src/kafka-platformatic/,
   * @platformatic/kafka: maintained, less CPU per event on every Kafka path measured) or `kafkajs`
   * (src/kafka/: no release since 2023). libs/bus/README.md "Client library".
   */
  client: z.enum(KAFKA_CLIENTS).default('platformatic'),
  brokers: z.array(z.string().min(1)).min(1).default(['127.0.0.1:9092']),
  clientId: z.string().min(1).default('sonde'),
  /** Prepended to every topic name (`<prefix>sonde.snmp.v1`): shared clusters, tests. */
  topicPrefix: z.string().default(''),
  /** Topics are created with these at first connection if missing (deploy/kafka holds the same). */
  partitions: positiveInt.default(6),
  replicationFactor: positiveInt.default(1),
  connectionTimeoutMs: positiveInt.default(3_000),
  producer: kafkaProducerConfigSchema.prefault({}),
  consumer: kafkaConsumerConfigSchema.prefault({}),
  spool: spoolConfigSchema.prefault({}),
  targets: kafkaTargetsConfigSchema.prefault({}),
}).refine((k) => k.consumer.groupInstanceId === undefined || k.client === 'platformatic', {
  message: 'consumer.groupInstanceId (static membership) needs client: platformatic; kafkajs does not support it',
  path: ['consumer', 'groupInstanceId'],
});
export type KafkaBusConfig = z.infer<typeof kafkaBusConfigSchema>;

export const BUS_TYPES = ['memory', 'kafka'] as const;

export const busConfigSchema = z.object({
  type: z.enum(BUS_TYPES).default('memory'),
  memory: memoryBusConfigSchema.prefault({}),
  kafka: kafkaBusConfigSchema.prefault({}),
  /** A handler that throws gets the same batch again after this backoff (doubling up to max). */
  handlerRetryInitialMs: positiveInt.default(100),
  handlerRetryMaxMs: positiveInt.default(5_000),
});
export type BusConfig = z.infer<typeof busConfigSchema>;
export type BusConfigInput = z.input<typeof busConfigSchema>;
