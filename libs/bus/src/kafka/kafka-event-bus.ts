import { EVENT_FAMILIES, topicForFamily, type EventFamily } from '@sonde/events/event-kind';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { Kafka, type Admin } from 'kafkajs';
import type { BusConfig } from '../bus.config';
import { BusError } from '../bus-error';
import { silentBusLogger, type BusLogger } from '../bus-logger';
import type { BusMetrics } from '../bus.metrics';
import type { BusHealth, EventBus, SubscribeOptions } from '../event-bus';
import { SegmentSpool } from '../spool/segment-spool';
import { kafkajsLogCreator } from './kafkajs-logger';
import { encodeRecords, KafkaPublisher, KafkajsSender } from './kafka-publisher';
import { KafkaSubscription } from './kafka-subscription';

export interface KafkaEventBusDeps {
  metrics: BusMetrics;
  logger?: BusLogger;
}

/**
 * The deployment bus on kafkajs: one topic per event family (`<prefix>sonde.<family>.v1`,
 * created with the configured partitions if missing), keyed by device id; an idempotent
 * producer with acks=all and a disk spool for outages (kafka-publisher.ts); consumer groups
 * with deterministic, manually committed batches (kafka-subscription.ts).
 */
export class KafkaEventBus implements EventBus {
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private closed = false;
  private readonly logger: BusLogger;

  private constructor(
    private readonly config: BusConfig,
    private readonly spool: SegmentSpool,
    private readonly deps: KafkaEventBusDeps,
    private readonly publisher: KafkaPublisher,
    kafka: Kafka,
    private readonly topics: TopicCreator,
  ) {
    this.kafka = kafka;
    this.admin = topics.admin;
    this.logger = deps.logger ?? silentBusLogger;
  }

  /** Opens the spool (replaying what a previous run left) and connects in the background. */
  static async create(config: BusConfig, deps: KafkaEventBusDeps): Promise<KafkaEventBus> {
    const k = config.kafka;
    const logger = deps.logger ?? silentBusLogger;
    const kafka = new Kafka({
      clientId: k.clientId,
      brokers: k.brokers,
      connectionTimeout: k.connectionTimeoutMs,
      requestTimeout: k.producer.requestTimeoutMs,
      logCreator: kafkajsLogCreator(logger),
      retry: { retries: k.producer.retries, initialRetryTime: 200, maxRetryTime: 2_000 },
    });
    const spool = await SegmentSpool.open(k.spool, deps);
    const topics = new TopicCreator(kafka, config, logger);
    const publisher = new KafkaPublisher(new KafkajsSender(kafka, () => topics.ensure(), k), k, spool, deps.metrics, logger);
    const bus = new KafkaEventBus(config, spool, deps, publisher, kafka, topics);
    publisher.start();
    return bus;
  }

  topicOf(family: EventFamily): string {
    return topicOfFamily(this.config, family);
  }

  publish(events: readonly SondeEvent[]): Promise<void> {
    const encoded = encodeRecords(this.config, events, this.deps.metrics);
    if (encoded instanceof BusError) return Promise.reject(encoded);
    return this.publisher.publish(encoded.records, encoded.bytes);
  }

  async subscribe(options: SubscribeOptions): Promise<KafkaSubscription> {
    if (this.closed) throw new BusError('unavailable', 'event bus is closed', { adapter: 'kafka', group: options.group });
    await this.ensureTopics();
    const topics = options.families.map((f) => this.topicOf(f));
    const sub = new KafkaSubscription(this.kafka, this.admin, topics, options, this.config, this.deps.metrics, this.logger, () => this.subscriptions.delete(sub));
    this.subscriptions.add(sub);
    await sub.start();
    return sub;
  }

  /** Creates the family topics that are missing (idempotent; once per bus unless it failed). */
  ensureTopics(): Promise<void> {
    return this.topics.ensure();
  }

  async health(): Promise<BusHealth> {
    const pending = this.publisher.pending + this.spool.depth;
    if (this.closed) return { ok: false, detail: 'closed', pending };
    if (!this.publisher.healthy) {
      // Still ready while the spool has room: a receiver taken out of its load balancer during a
      // broker outage would lose the traffic the spool exists to keep (design.md §6).
      const room = this.spool.bytes < this.config.kafka.spool.maxBytes * 0.95;
      return { ok: room, detail: `kafka unreachable; ${this.spool.depth} events spooled (${this.spool.bytes} bytes${room ? '' : ', spool full'})`, pending };
    }
    return { ok: true, detail: `kafka ${this.config.kafka.brokers.join(',')}`, pending };
  }

  /** Sends what publish() accepted (broker or spool), stops the subscriptions, disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.publisher.close();
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.topics.close();
    await this.spool.close();
  }
}

function topicOfFamily(config: BusConfig, family: EventFamily): string {
  return `${config.kafka.topicPrefix}${topicForFamily(family)}`;
}

/** Creates the family topics that are missing, with the configured partitions (admin client). */
class TopicCreator {
  readonly admin: Admin;
  private adminReady: Promise<void> | null = null;
  private topicsReady: Promise<void> | null = null;

  constructor(
    kafka: Kafka,
    private readonly config: BusConfig,
    private readonly logger: BusLogger,
  ) {
    this.admin = kafka.admin({ retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 } });
  }

  ensure(): Promise<void> {
    this.topicsReady ??= (async () => {
      await this.connect();
      const k = this.config.kafka;
      const existing = new Set(await this.admin.listTopics());
      const missing = EVENT_FAMILIES.map((f) => topicOfFamily(this.config, f)).filter((t) => !existing.has(t));
      if (missing.length) {
        await this.admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({ topic, numPartitions: k.partitions, replicationFactor: k.replicationFactor })),
        });
        this.logger.info({ topics: missing, partitions: k.partitions }, 'created kafka topics');
      }
    })().catch((err: unknown) => {
      this.topicsReady = null;
      throw err;
    });
    return this.topicsReady;
  }

  /** The admin client, connected (the subscriptions read committed offsets with it). */
  connect(): Promise<void> {
    this.adminReady ??= this.admin.connect().catch((err: unknown) => {
      this.adminReady = null;
      throw err;
    });
    return this.adminReady;
  }

  async close(): Promise<void> {
    if (this.adminReady) await this.admin.disconnect().catch(() => undefined);
  }
}
