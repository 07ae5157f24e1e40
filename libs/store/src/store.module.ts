import {
  Global,
  Inject,
  Module,
  Optional,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { Registry } from 'prom-client';
import { BatchWriter } from './batch-writer';
import { createEventStore } from './clickhouse/create-event-store';
import type { EventStore } from './event-store';
import { storeConfigSchema, type StoreConfig, type StoreConfigInput } from './store.config';
import { StoreMetrics } from './store.metrics';

/** `EventStore` (ADR 0001): chDB or ClickHouse over HTTP, chosen by `store.type`. */
export const EVENT_STORE = 'EVENT_STORE';
/** `BatchWriter` on the EVENT_STORE, for services that write events directly. */
export const STORE_BATCH_WRITER = 'STORE_BATCH_WRITER';
/** The parsed `store:` config section. */
export const STORE_CONFIG = 'STORE_CONFIG';
// Provided by TelemetryModule (ADR 0001); optional so the store also runs without it.
const METRICS_REGISTRY = 'METRICS_REGISTRY';
const HEALTH_CHECKS = 'HEALTH_CHECKS';

/** The part of telemetry's HealthChecks the store uses (structural: no dependency on libs/telemetry). */
interface HealthRegistry {
  register(name: string, check: () => Promise<{ ok: boolean; detail?: string }>): void;
}

class StoreLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(STORE_BATCH_WRITER) private readonly writer: BatchWriter,
    @Optional() @Inject(HEALTH_CHECKS) private readonly health?: HealthRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.store.migrate();
    this.health?.register('store', () =>
      this.store.ping().then(
        () => ({ ok: true }),
        (err: unknown) => ({ ok: false, detail: err instanceof Error ? err.message : String(err) }),
      ),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.writer.close();
    await this.store.close();
  }
}

/** Global: EVENT_STORE (migrated at init, closed at shutdown), STORE_BATCH_WRITER, STORE_CONFIG. */
@Global()
@Module({})
export class StoreModule {
  static forRoot(config: StoreConfigInput | StoreConfig = {}): DynamicModule {
    const parsed = storeConfigSchema.parse(config);
    return {
      module: StoreModule,
      global: true,
      providers: [
        { provide: STORE_CONFIG, useValue: parsed },
        {
          provide: StoreMetrics,
          useFactory: (registry?: Registry) => new StoreMetrics(registry ?? new Registry()),
          inject: [{ token: METRICS_REGISTRY, optional: true }],
        },
        {
          provide: EVENT_STORE,
          useFactory: (metrics: StoreMetrics) => createEventStore(parsed, { metrics }),
          inject: [StoreMetrics],
        },
        {
          provide: STORE_BATCH_WRITER,
          useFactory: (store: EventStore, metrics: StoreMetrics) =>
            new BatchWriter(store, { maxEvents: parsed.batch.maxEvents, lingerMs: parsed.batch.lingerMs, metrics }),
          inject: [EVENT_STORE, StoreMetrics],
        },
        StoreLifecycle,
      ],
      exports: [EVENT_STORE, STORE_BATCH_WRITER, STORE_CONFIG, StoreMetrics],
    };
  }
}
