import { compatibilityPartitioner, Connection, offsetCommitV8, offsetFetchV8, ProduceAcks, Producer, type Admin, type Consumer } from '@platformatic/kafka';
import { TRUSTED_EVENT_HEADER, TRUSTED_EVENT_HEADER_VALUE } from '@sonde/events/event-codec';
import { errorLeaves } from '@sonde/events/describe-error';
import type { KafkaBusConfig } from '../bus.config';
import type { RecordSender } from '../kafka/kafka-publisher';
import { SerialSends } from '../kafka/serial-sends';
import type { SpoolRecord } from '../spool/spool-record';

/** Client options shared by the producer, the consumers and the admin client. */
export function baseOptions(config: KafkaBusConfig) {
  return {
    clientId: config.clientId,
    bootstrapBrokers: config.brokers,
    connectTimeout: config.connectionTimeoutMs,
    requestTimeout: config.producer.requestTimeoutMs,
    retries: config.producer.retries,
    retryDelay: 200,
  };
}

/**
 * The @platformatic/kafka producer behind KafkaPublisher: idempotent (acks=all), partitioned like
 * the Java client and kafkajs (murmur2 & 0x7fffffff mod partitions — the library's default
 * partitioner uses `>>> 0`, which sends a third of the keys elsewhere).
 */
export class PlatformaticSender implements RecordSender {
  private producer: Producer<Buffer, Buffer, Buffer, Buffer> | null = null;
  private connected = false;
  private limit: number | null = null;
  /** One request at a time, none after a failed one until drop() (serial-sends.ts says why). */
  private readonly sends = new SerialSends(isRejectedByBroker);

  constructor(
    private readonly config: KafkaBusConfig,
    private readonly ensureTopics: () => Promise<void>,
    private readonly topics: () => string[],
    private readonly readLimit: () => Promise<number>,
  ) {}

  messageLimit(): number | null {
    return this.limit;
  }

  async connect(): Promise<void> {
    if (this.producer && this.connected) return;
    // keys and headers go in as bytes with the library's no-op serializers: its string
    // serializers cost two Buffer.from() per record for the one constant header (bench/bus:
    // 0.95 vs 0.80 CPU-s per 100k records, raw client, same run)
    this.producer ??= new Producer<Buffer, Buffer, Buffer, Buffer>({
      ...baseOptions(this.config),
      idempotent: true,
      acks: ProduceAcks.ALL,
      autocreateTopics: false,
      compression: this.config.producer.compression,
      partitioner: compatibilityPartitioner,
    });
    await this.ensureTopics();
    // the producer connects lazily: ask for metadata so an unreachable broker shows here
    await this.producer.metadata({ topics: this.topics() });
    this.limit ??= await this.readLimit();
    this.connected = true;
  }

  send(records: readonly SpoolRecord[]): Promise<void> {
    return this.sends.run(() => this.sendNow(records));
  }

  private async sendNow(records: readonly SpoolRecord[]): Promise<void> {
    await this.connect();
    const producer = this.producer;
    if (!producer) throw new Error('kafka producer dropped while sending');
    await producer.send({ messages: records.map((r) => ({ topic: r.topic, key: Buffer.from(r.key), value: r.value, headers: TRUSTED_HEADERS })) });
  }

  async drop(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    this.connected = false;
    this.sends.reset();
    await producer?.close().catch(() => undefined);
  }

  isRejected(err: unknown): boolean {
    return isRejectedByBroker(err);
  }
}

/** Every record the publisher sends was encoded from a typed event (event-codec.ts, ADR 0005). */
const TRUSTED_HEADERS = new Map<Buffer, Buffer>([[Buffer.from(TRUSTED_EVENT_HEADER), Buffer.from(TRUSTED_EVENT_HEADER_VALUE)]]);

/** Producer-state errors: a new producer fixes them, the records are fine. */
const PRODUCER_STATE_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'DUPLICATE_SEQUENCE_NUMBER', 'INVALID_PRODUCER_ID_MAPPING']);

/** A non-retriable protocol error (too large, invalid, not authorised), anywhere in the error tree. */
export function isRejectedByBroker(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as { code?: string; canRetry?: boolean; apiId?: string; errors?: unknown[]; cause?: unknown };
  if (e.code === 'PLT_KFK_PROTOCOL' && e.canRetry === false && !PRODUCER_STATE_ERRORS.has(e.apiId ?? '')) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isRejectedByBroker(x, depth + 1))) return true;
  return isRejectedByBroker(e.cause, depth + 1);
}

/**
 * Every broker error in the tree is TOPIC_ALREADY_EXISTS: another process created the topics
 * (replicas starting together). The broker answers so before it lists the topic, so listing
 * afterwards is no proof either way.
 */
export function onlyTopicsAlreadyExist(err: unknown): boolean {
  const leaves = errorLeaves(err, (e) => (e as { code?: string }).code === 'PLT_KFK_PROTOCOL') as { apiId?: string }[];
  return leaves.length > 0 && leaves.every((l) => l.apiId === 'TOPIC_ALREADY_EXISTS');
}

export interface CommittedOffset {
  offset: number;
  metadata: string | null;
}

/**
 * Group offsets WITH commit metadata. @platformatic/kafka's Consumer.commit() always sends
 * `committedMetadata: null` and listCommittedOffsets() drops the metadata it reads, so the
 * batch intents (offset-batch.ts) go through the library's exported protocol APIs
 * (OffsetCommit v8 / OffsetFetch v8) on a connection of our own to the group coordinator,
 * with the member id and generation of the consumer: the broker fences a stale member
 * exactly as for the consumer's own commits.
 */
export class GroupOffsets {
  private connecting: Promise<Connection> | null = null;
  private connNode: number | null = null;
  private closed = false;

  constructor(
    private readonly consumer: Consumer<Buffer, Buffer, Buffer, Buffer>,
    private readonly admin: Admin,
    private readonly clientId: string,
  ) {}

  async commit(topic: string, partition: number, offset: number, metadata: string | null): Promise<void> {
    const conn = await this.connection();
    const { memberId, generationId, groupId } = this.consumer;
    try {
      const res = await offsetCommitV8.api.async(conn, groupId, generationId, memberId ?? '', this.consumer.groupInstanceId ?? null, [
        { name: topic, partitions: [{ partitionIndex: partition, committedOffset: BigInt(offset), committedLeaderEpoch: -1, committedMetadata: metadata }] },
      ]);
      const code = res.topics[0]?.partitions[0]?.errorCode ?? 0;
      if (code !== 0) throw new Error(`OffsetCommit of ${topic}/${partition} failed with Kafka error code ${code}`);
    } catch (err) {
      await this.reset();
      throw err;
    }
  }

  async fetch(topic: string, partition: number): Promise<CommittedOffset | null> {
    const conn = await this.connection();
    try {
      const res = await offsetFetchV8.api.async(conn, [{ groupId: this.consumer.groupId, memberId: null, memberEpoch: -1, topics: [{ name: topic, partitionIndexes: [partition] }] }], false);
      const p = res.groups[0]?.topics.find((t) => t.name === topic)?.partitions.find((x) => x.partitionIndex === partition);
      if (p && p.errorCode !== 0) throw new Error(`OffsetFetch of ${topic}/${partition} failed with Kafka error code ${p.errorCode}`);
      if (!p || p.committedOffset < 0n) return null;
      return { offset: Number(p.committedOffset), metadata: p.metadata ?? null };
    } catch (err) {
      await this.reset();
      throw err;
    }
  }

  /** One connection per coordinator, shared by concurrent callers (never two sockets). */
  private connection(): Promise<Connection> {
    if (this.closed) return Promise.reject(new Error(`group ${this.consumer.groupId}: closed`));
    const node = this.consumer.coordinatorId;
    if (node === null) return Promise.reject(new Error(`group ${this.consumer.groupId} has no coordinator yet`));
    if (this.connecting && this.connNode === node) return this.connecting;
    const previous = this.connecting;
    this.connNode = node;
    const connecting = (async () => {
      if (previous) await previous.then((c) => c.close(), () => undefined).catch(() => undefined);
      const broker = (await this.admin.metadata({ topics: [] })).brokers.get(node);
      if (!broker) throw new Error(`coordinator ${node} of group ${this.consumer.groupId} is not in the cluster metadata`);
      const conn = new Connection(this.clientId);
      // a broker that dies under an open connection emits 'error' on it (ECONNRESET): without a
      // listener that is an uncaught exception. Forget the connection; the next call reconnects
      // and the commit or fetch that was on it fails and is retried by its caller.
      conn.on('error', () => {
        if (this.connecting === connecting) {
          this.connecting = null;
          this.connNode = null;
        }
        void conn.close().catch(() => undefined);
      });
      try {
        await conn.connect(broker.host, broker.port);
      } catch (err) {
        await conn.close().catch(() => undefined);
        throw err;
      }
      return conn;
    })();
    this.connecting = connecting;
    connecting.catch(() => {
      if (this.connecting === connecting) {
        this.connecting = null;
        this.connNode = null;
      }
    });
    return connecting;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.reset();
  }

  async reset(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = null;
    this.connNode = null;
    if (connecting) await connecting.then((c) => c.close(), () => undefined).catch(() => undefined);
  }
}
