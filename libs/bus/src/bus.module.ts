import { Global, Inject, Module, Optional, type BeforeApplicationShutdown, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { HEALTH_CHECKS, LOGGER, METRICS_REGISTRY } from '@sonde/telemetry/telemetry.tokens';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { busConfigSchema, type BusConfig, type BusConfigInput } from './bus.config';
import { BusMetrics } from './bus.metrics';
import { BUS_CONFIG, EVENT_BUS } from './bus.tokens';
import { createEventBus } from './create-event-bus';
import type { EventBus } from './event-bus';

export { BUS_CONFIG, EVENT_BUS } from './bus.tokens';

interface HealthRegistry {
  register(name: string, check: () => Promise<{ ok: boolean; detail?: string }>): void;
}

/**
 * Shutdown in three phases (ARCHITECTURE.md "Stopping"): collectors stop their input and flush
 * into the bus in onModuleDestroy; here, before the application shuts down, the bus delivers
 * what it holds to subscribers that are still subscribed (memory) or flushes the producer
 * (Kafka); subscribers and the store close after that, in onApplicationShutdown.
 */
class BusShutdown implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Optional() @Inject(HEALTH_CHECKS) private readonly health?: HealthRegistry,
  ) {}

  /** Readiness includes the bus (Kafka reachable, or spooling with the depth in the detail). */
  onModuleInit(): void {
    this.health?.register('bus', async () => {
      const h = await this.bus.health();
      return { ok: h.ok, detail: `${h.detail} (pending ${h.pending})` };
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

/**
 * Global: provides EVENT_BUS (the adapter `bus.type` names) and BUS_CONFIG; closes the bus on
 * shutdown (flushes the producer / hands queued events over). Uses METRICS_REGISTRY and LOGGER
 * from TelemetryModule when present.
 */
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
          inject: [
            { token: METRICS_REGISTRY, optional: true },
            { token: LOGGER, optional: true },
          ],
          useFactory: (registry?: Registry, logger?: Logger) =>
            createEventBus(parsed, {
              metrics: new BusMetrics(registry ?? new Registry()),
              ...(logger ? { logger: logger.child({ component: 'bus' }) } : {}),
            }),
        },
        BusShutdown,
      ],
      exports: [EVENT_BUS, BUS_CONFIG],
    };
  }
}
