import { Global, Inject, Module, Optional, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { busConfigSchema, type BusConfig, type BusConfigInput } from './bus.config';
import { BusMetrics } from './bus.metrics';
import { createEventBus } from './create-event-bus';
import type { EventBus } from './event-bus';

/** `EventBus` (ADR 0001): memory or Kafka, chosen by `bus.type`. */
export const EVENT_BUS = 'EVENT_BUS';
export const BUS_CONFIG = 'BUS_CONFIG';
// Provided by TelemetryModule (ADR 0001); optional so the bus also runs without it.
const METRICS_REGISTRY = 'METRICS_REGISTRY';
const LOGGER = 'LOGGER';
const HEALTH_CHECKS = 'HEALTH_CHECKS';

interface HealthRegistry {
  register(name: string, check: () => Promise<{ ok: boolean; detail?: string }>): void;
}

class BusLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Optional() @Inject(HEALTH_CHECKS) private readonly health?: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health?.register('bus', async () => {
      const h = await this.bus.health();
      return { ok: h.ok, detail: `${h.detail} (pending ${h.pending})` };
    });
  }

  /** Runs after every service's own shutdown hooks: what they flushed still gets delivered. */
  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

/** Global: EVENT_BUS (connected at init, flushed and closed at shutdown) and BUS_CONFIG. */
@Global()
@Module({})
export class BusModule {
  static forRoot(config: BusConfigInput | BusConfig = {}): DynamicModule {
    const parsed = busConfigSchema.parse(config);
    return {
      module: BusModule,
      global: true,
      providers: [
        { provide: BUS_CONFIG, useValue: parsed },
        {
          provide: EVENT_BUS,
          useFactory: (registry?: Registry, logger?: Logger) =>
            createEventBus(parsed, {
              metrics: new BusMetrics(registry ?? new Registry()),
              ...(logger ? { logger: logger.child({ component: 'bus' }) } : {}),
            }),
          inject: [
            { token: METRICS_REGISTRY, optional: true },
            { token: LOGGER, optional: true },
          ],
        },
        BusLifecycle,
      ],
      exports: [EVENT_BUS, BUS_CONFIG],
    };
  }
}
