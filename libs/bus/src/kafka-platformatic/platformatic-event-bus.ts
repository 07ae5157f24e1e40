import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import { EVENT_FAMILIES } from '@sonde/events/event-kind';
import type { BusConfig } from '../bus.config';
import { silentBusLogger, type BusLogger } from '../bus-logger';
import type { SubscribeOptions } from '../event-bus';
import { KafkaPublisher, smallestLimit } from '../kafka/kafka-publisher';
import { SpoolingKafkaBus, topicOfFamily, type KafkaBusDeps } from '../kafka/spooling-kafka-bus';
import { SegmentSpool } from '../spool/segment-spool';
import { baseOptions, onlyTopicsAlreadyExist, PlatformaticSender } from './platformatic-client';
import { PlatformaticSubscription } from './platformatic-subscription';

export type PlatformaticEventBusDeps = KafkaBusDeps;

/**
 * The Kafka bus on @platformatic/kafka (`bus.kafka.client: platformatic`): the same topics,
 * keys, publisher with disk spool (kafka/kafka-publisher.ts, fed by PlatformaticSender) and
 * deterministic batches (kafka/offset-batch.ts) as the kafkajs adapter.
 */
export class PlatformaticEventBus extends SpoolingKafkaBus<PlatformaticSubscription> {
  private constructor(
    config: BusConfig,
    spool: SegmentSpool,
    deps: PlatformaticEventBusDeps,
    publisher: KafkaPublisher,
    private readonly topics: TopicCreator,
  ) {
    super(config, spool, deps, publisher, topics, '@platformatic/kafka');
  }

  protected newSubscription(topics: string[], options: SubscribeOptions, onClose: () => void): PlatformaticSubscription {
    return new PlatformaticSubscription(this.topics.admin, topics, options, this.config, this.deps.metrics, this.logger, onClose);
  }

  /** Opens the spool (replaying what a previous run left) and connects in the background. */
  static async create(config: BusConfig, deps: PlatformaticEventBusDeps): Promise<PlatformaticEventBus> {
    const k = config.kafka;
    const logger = deps.logger ?? silentBusLogger;
    const spool = await SegmentSpool.open(k.spool, deps);
    const topics = new TopicCreator(config, logger);
    const sender = new PlatformaticSender(k, () => topics.ensure(), () => EVENT_FAMILIES.map((f) => topicOfFamily(config, f)), () => topics.messageLimit());
    const publisher = new KafkaPublisher(sender, k, spool, deps.metrics, logger);
    const bus = new PlatformaticEventBus(config, spool, deps, publisher, topics);
    publisher.start();
    return bus;
  }
}

class TopicCreator {
  readonly admin: Admin;
  private topicsReady: Promise<void> | null = null;

  constructor(
    private readonly config: BusConfig,
    private readonly logger: BusLogger,
  ) {
    this.admin = new Admin(baseOptions(config.kafka));
  }

  ensure(): Promise<void> {
    this.topicsReady ??= (async () => {
      const k = this.config.kafka;
      const existing = new Set(await this.admin.listTopics());
      const missing = EVENT_FAMILIES.map((f) => topicOfFamily(this.config, f)).filter((t) => !existing.has(t));
      if (missing.length) {
        try {
          await this.admin.createTopics({ topics: missing, partitions: k.partitions, replicas: k.replicationFactor });
        } catch (err) {
          // another process created them meanwhile: fine if the broker says so or lists them now
          if (!onlyTopicsAlreadyExist(err)) {
            const now = new Set(await this.admin.listTopics());
            if (missing.some((t) => !now.has(t))) throw err;
          }
        }
        // wait until every partition has a leader, as kafkajs' waitForLeaders
        for (let i = 0; i < 50; i++) {
          const md = await this.admin.metadata({ topics: missing, forceUpdate: true }).catch(() => null);
          if (md && missing.every((t) => md.topics.get(t)?.partitions.every((p) => p.leader >= 0))) break;
          await new Promise((r) => setTimeout(r, 100));
        }
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
    const names = EVENT_FAMILIES.map((f) => topicOfFamily(this.config, f));
    const res = await this.admin.describeConfigs({
      resources: names.map((resourceName) => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName, configurationKeys: ['max.message.bytes'] })),
    });
    return smallestLimit(res.flatMap((r) => r.configs.filter((c) => c.name === 'max.message.bytes').map((c) => c.value)));
  }

  async close(): Promise<void> {
    await this.admin.close().catch(() => undefined);
  }
}
