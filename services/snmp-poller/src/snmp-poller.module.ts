import { Inject, Module, Optional, type DynamicModule, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EVENT_BUS } from '@sonde/bus/bus.tokens';
import type { EventBus } from '@sonde/bus/event-bus';
import type { TargetAssignment } from '@sonde/bus/target-assignment';
import { TARGET_ASSIGNMENT } from '@sonde/bus/target-assignment.tokens';
import type { Inventory } from '@sonde/inventory/inventory';
import { SONDE_INVENTORY } from '@sonde/inventory/inventory.tokens';
import { parsePublishedDevice } from '@sonde/inventory/published-device';
import type { StateStore } from '@sonde/state/state-store';
import { STATE_STORE } from '@sonde/state/state.tokens';
import type { HealthChecks } from '@sonde/telemetry/health-checks';
import { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import type { TelemetryIdentity } from '@sonde/telemetry/telemetry-identity';
import { HEALTH_CHECKS, LOGGER, METRICS_REGISTRY, TELEMETRY_IDENTITY } from '@sonde/telemetry/telemetry.tokens';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { pollTargets } from '@sonde/snmp/poll/poll-targets';
import { SnmpPoller } from './snmp-poller';
import { snmpPollerConfigSchema, type SnmpPollerConfig } from './snmp-poller.config';
import { SnmpPollerMetrics } from './snmp-poller.metrics';

export const SNMP_POLLER_CONFIG = 'SNMP_POLLER_CONFIG';
const SNMP_POLLER_ERROR_LOG = 'SNMP_POLLER_ERROR_LOG';

class SnmpPollerLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(SnmpPoller) private readonly poller: SnmpPoller,
    @Inject(SONDE_INVENTORY) private readonly inventory: Inventory,
    @Inject(SNMP_POLLER_CONFIG) private readonly config: SnmpPollerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(HEALTH_CHECKS) private readonly health: HealthChecks,
    @Inject(SNMP_POLLER_ERROR_LOG) private readonly errors: RateLimitedLog,
    @Optional() @Inject(TARGET_ASSIGNMENT) private readonly assignment?: TargetAssignment,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.enabled) return;
    const log = this.logger.child({ component: 'snmp-poller' });
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
    const targets = () => pollTargets({ devicesAt, snmpCredential: (d) => this.inventory.snmpCredential(d) }, this.config, invalid);
    this.poller.setTargets(targets());
    this.poller.start();
    this.health.register('snmp-poller', async () => ({ ok: true, detail: `${this.poller.targetCount} of ${this.poller.siteTargetCount} targets owned` }));
    // Sharded among replicas (TargetAssignmentModule): nothing is polled until the first
    // assignment; each later one (a replica joined, left or died, or an applied inventory)
    // starts/stops the difference.
    this.assignment
      ?.start(() => {
        const before = new Set(this.poller.ownedDeviceIds);
        this.poller.setTargets(targets());
        const after = this.poller.ownedDeviceIds;
        const gained = after.filter((id) => !before.delete(id));
        const lost = [...before];
        log.info({ owned: this.poller.targetCount, site: this.poller.siteTargetCount, gained, lost }, 'snmp targets reassigned');
      })
      .catch((err: unknown) => log.error({ err }, 'target assignment failed: polling the targets of the last assignment'));
  }

  async onModuleDestroy(): Promise<void> {
    await this.poller.stop();
    this.errors.stop();
    this.errors.flush();
  }
}

/** Wires the SNMP poller to the global bus, state, inventory and telemetry modules (ADR 0001). */
@Module({})
export class SnmpPollerModule {
  static forRoot(config: SnmpPollerConfig = snmpPollerConfigSchema.parse(undefined)): DynamicModule {
    return {
      module: SnmpPollerModule,
      providers: [
        { provide: SNMP_POLLER_CONFIG, useValue: config },
        {
          // one line per device per interval, summaries of the rest (design.md §6)
          provide: SNMP_POLLER_ERROR_LOG,
          inject: [LOGGER],
          useFactory: (logger: Logger) => {
            const log = new RateLimitedLog(logger.child({ component: 'snmp-poller' }), { intervalMs: config.intervalMs });
            log.start();
            return log;
          },
        },
        {
          provide: SnmpPoller,
          inject: [
            EVENT_BUS,
            { token: STATE_STORE, optional: true },
            METRICS_REGISTRY,
            SNMP_POLLER_ERROR_LOG,
            TELEMETRY_IDENTITY,
            // without TargetAssignmentModule (`sonde up`): one process polls every target
            { token: TARGET_ASSIGNMENT, optional: true },
          ],
          useFactory: (bus: EventBus, state: StateStore | undefined, registry: Registry, errors: RateLimitedLog, identity: TelemetryIdentity, assignment?: TargetAssignment) => {
            // the gauges read the poller lazily at scrape time; it exists by then
            const ref: { poller?: SnmpPoller } = {};
            const metrics = new SnmpPollerMetrics(registry, {
              versions: () => ref.poller?.versionSummary() ?? { devices: 0, byVersion: {}, rows: [] },
              pool: () => {
                const s = ref.poller?.pool.stats();
                return { open: s?.open ?? 0, sockets: s?.transport?.sockets ?? s?.open ?? 0, inFlight: s?.inFlight ?? 0, queued: s?.queued ?? 0 };
              },
              targets: () => ref.poller?.siteTargetCount ?? 0,
              owned: () => ref.poller?.targetCount ?? 0,
            });
            const poller = new SnmpPoller({
              config,
              bus,
              origin: { site: identity.site, collector: identity.instance },
              ...(state ? { state } : {}),
              ...(assignment ? { owns: (deviceId: string) => assignment.owns(deviceId) } : {}),
              metrics,
              onError: (device, reason, message) => errors.log(device, reason, { device, reason }, message),
            });
            ref.poller = poller;
            return poller;
          },
        },
        SnmpPollerLifecycle,
      ],
      exports: [SnmpPoller],
    };
  }
}
