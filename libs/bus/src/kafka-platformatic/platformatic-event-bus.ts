import { Admin } from '@platformatic/kafka';
import { EVENT_FAMILIES, topicForFamily, type EventFamily } from '@sonde/events/event-kind';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { BusConfig } from '../bus.config';
import { BusError } from '../bus-error';
import { silentBusLogger, type BusLogger } from '../bus-logger';
import type { BusMetrics } from '../bus.metrics';
import type { BusHealth, EventBus, SubscribeOptions } from '../event-bus';
import { encodeRecords, KafkaPublisher } from '../kafka/kafka-publisher';
import { SegmentSpool } from '../spool/segment-spool';
import { baseOptions, PlatformaticSender } from './platformatic-client';
import { PlatformaticSubscription } from './platformatic-subscription';

export interface PlatformaticEventBusDeps {
  metrics: BusMetrics;
  logger?: BusLogger;
}

/**
 * The Kafka bus on @platformatic/kafka (`bus.kafka.client: platformatic`): the same topics,
 * keys, publisher with disk spool (kafka/kafka-publisher.ts, fed by PlatformaticSender) and
 * deterministic batches (kafka/offset-batch.ts) as the kafkajs adapter.
 */
export class PlatformaticEventBus implements EventBus {
  private readonly subscriptions = new Set<PlatformaticSubscription>();
  private closed = false;
  private readonly logger: BusLogger;

  private constructor(
    private readonly config: BusConfig,
    private readonly spool: SegmentSpool,
    private readonly deps: PlatformaticEventBusDeps,
    private readonly publisher: KafkaPublisher,
    private readonly topics: TopicCreator,
  ) {
    this.logger = deps.logger ?? silentBusLogger;
  }

  /** Opens the spool (replaying what a previous run left) and connects in the background. */
  static async create(config: BusConfig, deps: PlatformaticEventBusDeps): Promise<PlatformaticEventBus> {
    const k = config.kafka;
    const logger = deps.logger ?? silentBusLogger;
    const spool = await SegmentSpool.open(k.spool, deps);
    const topics = new TopicCreator(config, logger);
    const sender = new PlatformaticSender(k, () => topics.ensure(), () => EVENT_FAMILIES.map((f) => topicOfFamily(config, f)));
    const publisher = new KafkaPublisher(sender, k, spool, deps.metrics, logger);
    const bus = new PlatformaticEventBus(config, spool, deps, publisher, topics);
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

  async subscribe(options: SubscribeOptions): Promise<PlatformaticSubscription> {
    if (this.closed) throw new BusError('unavailable', 'event bus is closed', { adapter: 'kafka', group: options.group });
    await this.ensureTopics();
    const topics = options.families.map((f) => this.topicOf(f));
    const sub = new PlatformaticSubscription(this.topics.admin, topics, options, this.config, this.deps.metrics, this.logger, () => this.subscriptions.delete(sub));
    this.subscriptions.add(sub);
    await sub.start();
    return sub;
  }

  ensureTopics(): Promise<void> {
    return this.topics.ensure();
  }

  async health(): Promise<BusHealth> {
    const pending = this.publisher.pending + this.spool.depth;
    if (this.closed) return { ok: false, detail: 'closed', pending };
    if (!this.publisher.healthy) {
      // still ready while the spool has room, as the kafkajs adapter (design.md §6)
      const room = this.spool.bytes < this.config.kafka.spool.maxBytes * 0.95;
      return { ok: room, detail: `kafka unreachable; ${this.spool.depth} events spooled (${this.spool.bytes} bytes${room ? '' : ', spool full'})`, pending };
    }
    return { ok: true, detail: `kafka ${this.config.kafka.brokers.join(',')} (@platformatic/kafka)`, pending };
  }

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

/** Creates the family topics that are missing, with the configured partitions. */
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
          // another process created them meanwhile: fine if they exist now
          const now = new Set(await this.admin.listTopics());
          if (missing.some((t) => !now.has(t))) throw err;
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

  async close(): Promise<void> {
    await this.admin.close().catch(() => undefined);
  }
}
