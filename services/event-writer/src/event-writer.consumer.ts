import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { BusConfig } from '@sonde/bus/bus.config';
import { BUS_CONFIG } from '@sonde/bus/bus.tokens';
import { EVENT_BUS } from '@sonde/bus/bus.module';
import type { EventBus } from '@sonde/bus/event-bus';
import type { EventStore } from '@sonde/store/event-store';
import { EVENT_STORE } from '@sonde/store/store.module';
import type { HealthChecks } from '@sonde/telemetry/health-checks';
import { HEALTH_CHECKS, LOGGER, METRICS_REGISTRY } from '@sonde/telemetry/telemetry.tokens';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { EventBatchWriter } from './event-batch-writer';
import type { EventWriterConfig } from './event-writer.config';
import { EventWriterMetrics } from './event-writer.metrics';
import { RetryingSubscription } from './retrying-subscription';

export const EVENT_WRITER_CONFIG = 'EVENT_WRITER_CONFIG';

/** Nest glue: subscribes the EventBatchWriter to the bus for the app's lifetime. */
@Injectable()
export class EventWriterConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subscription: RetryingSubscription;
  readonly writer: EventBatchWriter;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(EVENT_WRITER_CONFIG) private readonly config: EventWriterConfig,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(LOGGER) logger: Logger,
    @Inject(HEALTH_CHECKS) private readonly health: HealthChecks,
    @Optional() @Inject(BUS_CONFIG) busConfig?: BusConfig,
  ) {
    const log = logger.child({ component: 'event-writer' });
    this.writer = new EventBatchWriter(store, new EventWriterMetrics(registry), {
      onError: (err, batches) =>
        log.warn({ err, batches: batches.length, dedupTokens: batches.slice(0, 10).map((b) => b.dedupToken) }, 'insert failed; the bus redelivers the same batches'),
      insert: insertPacing(config, busConfig),
    });
    const subscribe = () =>
      this.bus.subscribe({
        group: this.config.group,
        families: this.config.families,
        handler: (batch) => this.writer.write(batch),
        maxBatchEvents: this.config.maxBatchEvents,
        maxBatchWaitMs: this.config.maxBatchWaitMs,
        maxBytesPerPartition: this.config.maxBytesPerPartition,
        partitionsConsumedConcurrently: this.config.partitionsConsumedConcurrently,
      });
    this.subscription = new RetryingSubscription(subscribe, {
      initialBackoffMs: config.subscribeRetryInitialMs,
      maxBackoffMs: config.subscribeRetryMaxMs,
      onFailure: (err, attempt, nextMs) => log.warn({ err, attempt, nextMs }, 'cannot subscribe to the bus; retrying'),
      onSubscribed: (attempts) => log.info({ attempts, group: config.group }, 'consuming'),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.health.register('event-writer', async () => (this.subscription.subscribed ? this.writer.status() : this.subscription.status()));
    // not awaited past the first attempt: a broker that is down keeps the writer up and not ready
    await this.subscription.start();
  }

  async onApplicationShutdown(): Promise<void> {
    // the batches waiting for the fill wait are inserted (and committed) now, not after it
    this.writer.drain();
    await this.subscription.close();
  }
}

/**
 * The memory bus (`sonde up`) hands one batch at a time to its one subscriber and fills it itself
 * for maxBatchWaitMs: a fill wait here would only hold the next batch back (one batch per wait,
 * whatever the rate). Kafka hands the partitions' batches concurrently: they wait to share inserts.
 */
function insertPacing(config: EventWriterConfig, bus: BusConfig | undefined): EventWriterConfig['insert'] {
  return bus?.type === 'memory' ? { maxRows: config.insert.maxRows, maxWaitMs: 0 } : config.insert;
}
