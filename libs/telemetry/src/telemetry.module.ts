import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { DestinationStream, Logger } from 'pino';
import type { Registry } from 'prom-client';
import { HealthChecks } from './health-checks';
import { HealthController } from './health.controller';
import { createMetricsRegistry } from './metrics-registry';
import { MetricsController } from './metrics.controller';
import { telemetryConfigSchema, type TelemetryConfig, type TelemetryConfigInput } from './telemetry.config';
import { createLogger } from './telemetry-logger';
import type { TelemetryIdentity } from './telemetry-identity';
import { TelemetryMetrics } from './telemetry.metrics';
import { HEALTH_CHECKS, LOGGER, METRICS_REGISTRY, TELEMETRY_CONFIG, TELEMETRY_IDENTITY } from './telemetry.tokens';

export { HEALTH_CHECKS, LOGGER, METRICS_REGISTRY, TELEMETRY_CONFIG, TELEMETRY_IDENTITY } from './telemetry.tokens';

export interface TelemetryModuleOptions extends TelemetryIdentity {
  /** The `telemetry:` config section (validated by loadConfig, or partial: defaults apply). */
  config?: TelemetryConfigInput | TelemetryConfig;
  /** Log destination instead of stdout (tests). */
  logDestination?: DestinationStream;
  /** Readiness check timeout, ms (default 5000). */
  healthCheckTimeoutMs?: number;
}

class TelemetryShutdown implements OnApplicationShutdown {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}
  onApplicationShutdown(): void {
    this.logger.flush();
  }
}

/** Global: /metrics, /health/live, /health/ready, and the METRICS_REGISTRY, LOGGER, HEALTH_CHECKS providers. */
@Global()
@Module({})
export class TelemetryModule {
  static forRoot(options: TelemetryModuleOptions): DynamicModule {
    const config = telemetryConfigSchema.parse(options.config ?? {});
    const identity: TelemetryIdentity = {
      service: config.service ?? options.service,
      site: options.site,
      instance: config.instance ?? options.instance,
    };
    return {
      module: TelemetryModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [MetricsController, HealthController],
      providers: [
        { provide: TELEMETRY_IDENTITY, useValue: identity },
        { provide: TELEMETRY_CONFIG, useValue: config },
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry(identity, { defaultMetrics: config.defaultMetrics }) },
        {
          provide: LOGGER,
          useFactory: () =>
            createLogger(identity, {
              level: config.logLevel,
              redactPaths: config.redactPaths,
              ...(options.logDestination ? { destination: options.logDestination } : {}),
            }),
        },
        { provide: HEALTH_CHECKS, useFactory: () => new HealthChecks(options.healthCheckTimeoutMs) },
        { provide: TelemetryMetrics, useFactory: (registry: Registry) => new TelemetryMetrics(registry), inject: [METRICS_REGISTRY] },
        TelemetryShutdown,
      ],
      exports: [TELEMETRY_IDENTITY, TELEMETRY_CONFIG, METRICS_REGISTRY, LOGGER, HEALTH_CHECKS],
    };
  }
}
