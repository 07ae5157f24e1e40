import { Inject, Module, Optional, type DynamicModule, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EVENT_BUS } from '@sonde/bus/bus.tokens';
import type { EventBus } from '@sonde/bus/event-bus';
import type { TargetAssignment } from '@sonde/bus/target-assignment';
import { TARGET_ASSIGNMENT } from '@sonde/bus/target-assignment.tokens';
import type { Inventory } from '@sonde/inventory/inventory';
import { SONDE_INVENTORY } from '@sonde/inventory/inventory.tokens';
import { parsePublishedDevice } from '@sonde/inventory/published-device';
import { pollTargets } from '@sonde/snmp/poll/poll-targets';
import type { StateStore } from '@sonde/state/state-store';
import { STATE_STORE } from '@sonde/state/state.tokens';
import type { HealthChecks } from '@sonde/telemetry/health-checks';
import { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import type { TelemetryIdentity } from '@sonde/telemetry/telemetry-identity';
import { HEALTH_CHECKS, LOGGER, METRICS_REGISTRY, TELEMETRY_IDENTITY } from '@sonde/telemetry/telemetry.tokens';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { RmonCollector } from './rmon-collector';
import { rmonCollectorConfigSchema, type RmonCollectorConfig } from './rmon-collector.config';
import { RmonCollectorMetrics } from './rmon-collector.metrics';

export const RMON_COLLECTOR_CONFIG = 'RMON_COLLECTOR_CONFIG';
const RMON_COLLECTOR_ERROR_LOG = 'RMON_COLLECTOR_ERROR_LOG';

class RmonCollectorLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(RmonCollector) private readonly collector: RmonCollector,
    @Inject(SONDE_INVENTORY) private readonly inventory: Inventory,
    @Inject(RMON_COLLECTOR_CONFIG) private readonly config: RmonCollectorConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(HEALTH_CHECKS) private readonly health: HealthChecks,
    @Inject(RMON_COLLECTOR_ERROR_LOG) private readonly errors: RateLimitedLog,
    @Optional() @Inject(TARGET_ASSIGNMENT) private readonly assignment?: TargetAssignment,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.enabled) return;
    const log = this.logger.child({ component: 'rmon-collector' });
    // The site's devices: the config file's, or what `sonde inventory apply` published to the
    // partitions this replica owns (TargetAssignment.devices); re-read on every change.
    const invalid = (device: string, message: string) => log.error({ device }, `not polled: ${message}`);
    const devicesAt = () =>
      this.assignment
        ? this.assignment.devices(this.inventory.devicesAt(), (raw, id) => {
            const r = parsePublishedDevice(raw, this.inventory.site);
            if ('problem' in r) invalid(id, r.problem);
            return 'device' in r ? r.device : undefined;
          })
        : this.inventory.devicesAt();
    const targets = () => pollTargets({ devicesAt, snmpCredential: (d) => this.inventory.snmpCredential(d) }, this.config, invalid, () => undefined);
    this.collector.setTargets(targets());
    this.collector.start();
    this.collector.startProbeConfig((r) => {
      if (r.created.length > 0 || r.removed.length > 0) log.info({ device: r.device, created: r.created, removed: r.removed }, 'probe rows reconciled');
    });
    this.health.register('rmon-collector', async () => ({ ok: true, detail: `${this.collector.targetCount} of ${this.collector.siteTargetCount} probes owned` }));
    this.assignment
      ?.start(() => {
        const before = new Set(this.collector.ownedDeviceIds);
        this.collector.setTargets(targets());
        const gained = this.collector.ownedDeviceIds.filter((id) => !before.delete(id));
        const lost = [...before];
        log.info({ owned: this.collector.targetCount, site: this.collector.siteTargetCount, gained, lost }, 'rmon probes reassigned');
      })
      .catch((err: unknown) => log.error({ err }, 'target assignment failed: polling the probes of the last assignment'));
  }

  async onModuleDestroy(): Promise<void> {
    await this.collector.stop();
    this.errors.stop();
    this.errors.flush();
  }
}

/** Wires the RMON collector to the global bus, state, inventory and telemetry modules (ADR 0001). */
@Module({})
export class RmonCollectorModule {
  static forRoot(config: RmonCollectorConfig = rmonCollectorConfigSchema.parse(undefined)): DynamicModule {
    return {
      module: RmonCollectorModule,
      providers: [
        { provide: RMON_COLLECTOR_CONFIG, useValue: config },
        {
          provide: RMON_COLLECTOR_ERROR_LOG,
          inject: [LOGGER],
          useFactory: (logger: Logger) => {
            const log = new RateLimitedLog(logger.child({ component: 'rmon-collector' }), { intervalMs: config.intervalMs });
            log.start();
            return log;
          },
        },
        {
          provide: RmonCollector,
          inject: [EVENT_BUS, { token: STATE_STORE, optional: true }, METRICS_REGISTRY, RMON_COLLECTOR_ERROR_LOG, TELEMETRY_IDENTITY, { token: TARGET_ASSIGNMENT, optional: true }],
          useFactory: (bus: EventBus, state: StateStore | undefined, registry: Registry, errors: RateLimitedLog, identity: TelemetryIdentity, assignment?: TargetAssignment) => {
            const ref: { collector?: RmonCollector } = {};
            const metrics = new RmonCollectorMetrics(registry, {
              probes: () => ref.collector?.supportSummary() ?? [],
              targets: () => ref.collector?.siteTargetCount ?? 0,
              owned: () => ref.collector?.targetCount ?? 0,
            });
            const collector = new RmonCollector({
              config,
              bus,
              origin: { site: identity.site, collector: identity.instance },
              ...(state ? { state } : {}),
              ...(assignment ? { owns: (deviceId: string) => assignment.owns(deviceId) } : {}),
              metrics,
              onError: (device, reason, message) => errors.log(device, reason, { device, reason }, message),
            });
            ref.collector = collector;
            return collector;
          },
        },
        RmonCollectorLifecycle,
      ],
      exports: [RmonCollector],
    };
  }
}
