import { topicForFamily, type EventFamily } from '@sonde/events/event-kind';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { BusConfig } from '../bus.config';
import { BusError } from '../bus-error';
import { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import { silentBusLogger, type BusLogger } from '../bus-logger';
import type { BusMetrics } from '../bus.metrics';
import type { BusHealth, EventBus, SubscribeOptions, Subscription } from '../event-bus';
import type { SegmentSpool } from '../spool/segment-spool';
import type { SpoolRecord } from '../spool/spool-record';
import { encodeRecords, type KafkaPublisher } from './kafka-publisher';

export interface KafkaBusDeps {
  metrics: BusMetrics;
  logger?: BusLogger;
}

/** A subscription of a Kafka client: joins its group on start(). */
export interface StartableSubscription extends Subscription {
  start(): Promise<void>;
}

/** Creates the family topics that are missing (idempotent) and releases its admin client. */
export interface TopicEnsurer {
  ensure(): Promise<void>;
  close(): Promise<void>;
}

/** `<prefix>sonde.<family>.v1` */
export function topicOfFamily(config: BusConfig, family: EventFamily): string {
  return `${config.kafka.topicPrefix}${topicForFamily(family)}`;
}

/**
 * What the Kafka adapters share whatever the client library (kafkajs, @platformatic/kafka):
 * encoding and publishing through the KafkaPublisher with its disk spool, the subscription
 * set, readiness while spooling, and the close order. A client adapter supplies only how a
 * subscription is made (and its own sender and topic creator).
 */
export abstract class SpoolingKafkaBus<S extends StartableSubscription> implements EventBus {
  protected readonly subscriptions = new Set<S>();
  protected closed = false;
  protected readonly logger: BusLogger;
  private readonly tooLargeLog: RateLimitedLog;

  protected constructor(
    protected readonly config: BusConfig,
    protected readonly spool: SegmentSpool,
    protected readonly deps: KafkaBusDeps,
    protected readonly publisher: KafkaPublisher,
    private readonly topicEnsurer: TopicEnsurer,
    private readonly clientLabel: string,
  ) {
    this.logger = deps.logger ?? silentBusLogger;
    this.tooLargeLog = new RateLimitedLog(this.logger, { intervalMs: 10_000 });
  }

  protected abstract newSubscription(topics: string[], options: SubscribeOptions, onClose: () => void): S;

  topicOf(family: EventFamily): string {
    return topicOfFamily(this.config, family);
  }

  /** publish() encodes and queues synchronously (KafkaPublisher keeps call order): a caller may keep as many calls in flight as the producer sends requests. */
  get orderedPublishCalls(): number {
    return this.config.kafka.producer.maxInFlight;
  }

  publish(events: readonly SondeEvent[]): Promise<void> {
    const encoded = encodeRecords(this.config, events, this.deps.metrics, (e, bytes) =>
      this.tooLargeLog.log(`too_large:${e.device.id}`, 'too_large', { device: e.device.id, kind: e.kind, bytes, maxEventBytes: this.config.kafka.producer.maxEventBytes }, 'event above kafka.producer.maxEventBytes: dropped'),
    );
    if (encoded instanceof BusError) return Promise.reject(encoded);
    return this.publisher.publish(encoded.records, encoded.bytes);
  }

  /** Events in the disk spool, waiting for the broker. */
  get spooled(): number {
    return this.spool.depth;
  }

  /** Records encoded elsewhere (the producer thread, threaded-kafka-bus.ts): queued as publish() queues its own. */
  publishRecords(records: SpoolRecord[], bytes: number): Promise<void> {
    return this.publisher.publish(records, bytes);
  }

  async subscribe(options: SubscribeOptions): Promise<S> {
    if (this.closed) throw new BusError('unavailable', 'event bus is closed', { adapter: 'kafka', group: options.group });
    await this.ensureTopics();
    const sub = this.newSubscription(
      options.families.map((f) => this.topicOf(f)),
      options,
      () => this.subscriptions.delete(sub),
    );
    this.subscriptions.add(sub);
    await sub.start();
    return sub;
  }

  /** Creates the family topics that are missing (idempotent; once per bus unless it failed). */
  ensureTopics(): Promise<void> {
    return this.topicEnsurer.ensure();
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
    return { ok: true, detail: `kafka ${this.config.kafka.brokers.join(',')} (${this.clientLabel})`, pending };
  }

  /** Sends what publish() accepted (broker or spool), stops the subscriptions, disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.publisher.close();
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.topicEnsurer.close();
    await this.spool.close();
  }
}
