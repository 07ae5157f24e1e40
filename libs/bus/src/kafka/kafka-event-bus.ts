import { EVENT_FAMILIES } from '@sonde/events/event-kind';
import { ConfigResourceTypes, Kafka, type Admin } from 'kafkajs';
import type { BusConfig } from '../bus.config';
import { silentBusLogger, type BusLogger } from '../bus-logger';
import type { SubscribeOptions } from '../event-bus';
import { SegmentSpool } from '../spool/segment-spool';
import { kafkajsLogCreator } from './kafkajs-logger';
import { KafkaPublisher, KafkajsSender, smallestLimit } from './kafka-publisher';
import { SpoolingKafkaBus, topicOfFamily, type KafkaBusDeps } from './spooling-kafka-bus';
import { KafkaSubscription } from './kafka-subscription';
import { createTopicsWithLeaders } from './topic-leaders';

export type KafkaEventBusDeps = KafkaBusDeps;

/**
 * The deployment bus on kafkajs: one topic per event family (`<prefix>sonde.<family>.v1`,
 * created with the configured partitions if missing), keyed by device id (alert.state: group key, partition-key.ts); an idempotent
 * producer with acks=all and a disk spool for outages (kafka-publisher.ts); consumer groups
 * with deterministic, manually committed batches (kafka-subscription.ts).
 */
export class KafkaEventBus extends SpoolingKafkaBus<KafkaSubscription> {
  private readonly admin: Admin;

  private constructor(
    config: BusConfig,
    spool: SegmentSpool,
    deps: KafkaEventBusDeps,
    publisher: KafkaPublisher,
    private readonly kafka: Kafka,
    topics: TopicCreator,
  ) {
    super(config, spool, deps, publisher, topics, 'kafkajs');
    this.admin = topics.admin;
  }

  protected newSubscription(topics: string[], options: SubscribeOptions, onClose: () => void): KafkaSubscription {
    return new KafkaSubscription(this.kafka, this.admin, topics, options, this.config, this.deps.metrics, this.logger, onClose);
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
    const publisher = new KafkaPublisher(new KafkajsSender(kafka, () => topics.ensure(), k, () => topics.messageLimit()), k, spool, deps.metrics, logger);
    const bus = new KafkaEventBus(config, spool, deps, publisher, kafka, topics);
    publisher.start();
    return bus;
  }
}

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
        await createTopicsWithLeaders(this.admin, missing.map((topic) => ({ topic, numPartitions: k.partitions, replicationFactor: k.replicationFactor })));
        this.logger.info({ topics: missing, partitions: k.partitions }, 'created kafka topics');
      }
    })().catch((err: unknown) => {
      this.topicsReady = null;
      throw err;
    });
    return this.topicsReady;
  }

  /** The smallest max.message.bytes of the Sonde topics (the largest record batch the broker takes). */
  async messageLimit(): Promise<number> {
    await this.connect();
    const names = EVENT_FAMILIES.map((f) => topicOfFamily(this.config, f));
    const res = await this.admin.describeConfigs({
      includeSynonyms: false,
      resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })),
    });
    return smallestLimit(res.resources.flatMap((r) => r.configEntries.filter((c) => c.configName === 'max.message.bytes').map((c) => c.configValue)));
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
