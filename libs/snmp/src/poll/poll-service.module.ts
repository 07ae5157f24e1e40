import type { OnApplicationBootstrap, OnModuleDestroy, Provider } from '@nestjs/common';
import { EVENT_BUS } from '@sonde/bus/bus.tokens';
import type { EventBus } from '@sonde/bus/event-bus';
import type { TargetAssignment } from '@sonde/bus/target-assignment';
import { TARGET_ASSIGNMENT } from '@sonde/bus/target-assignment.tokens';
import type { Device } from '@sonde/inventory/device';
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
import type { PollEngine, PollEngineConfig, PollServiceDeps } from './poll-engine';
import type { PollEngineMetrics } from './poll-engine.metrics';
import { pollTargets, type DevicePollOverrides, type PollTargetsConfig } from './poll-targets';

/** What a service's config section needs for the shared wiring (both sections have it). */
export type PollServiceConfig = PollEngineConfig & PollTargetsConfig & { enabled: boolean };

/** How one service on the poll engine (snmp-poller, rmon-collector) differs in its Nest wiring. */
export interface PollServiceWiring<C extends PollServiceConfig, E extends PollEngine> {
  /** `snmp-poller`: the log component and the health check */
  name: string;
  /** what its log and health lines call the devices: `targets`, `probes` */
  noun: string;
  /** the log line of a reassignment (`snmp targets reassigned`; tests wait for it) */
  reassigned: string;
  /** the engine's class: the provider token other modules inject */
  engine: abstract new (...args: never[]) => E;
  /** Builds the engine (with the service's own metrics class on `registry`). */
  create(deps: Omit<PollServiceDeps<C, PollEngineMetrics>, 'metrics'>, registry: Registry): E;
  /** A device's own section (`devices[].rmonCollector:`); default `devices[].snmpPoller:`. */
  overrides?: (device: Device) => DevicePollOverrides | undefined;
  /** After the engine started (the rmon-collector's probe configuration). */
  started?(engine: E, log: Logger): void;
}

/**
 * The providers of a service on the poll engine, once for both: the config, a rate-limited
 * error log (one line per device per interval, design.md §6), the engine wired to the global
 * bus, state, telemetry and (optional) target assignment modules, and the lifecycle that
 * resolves the targets from the inventory, starts polling, and follows every reassignment.
 */
export function pollServiceProviders<C extends PollServiceConfig, E extends PollEngine>(wiring: PollServiceWiring<C, E>, config: C): Provider[] {
  const errorLog = `${wiring.name}:error-log`;
  return [
    {
      provide: errorLog,
      inject: [LOGGER],
      useFactory: (logger: Logger) => {
        const log = new RateLimitedLog(logger.child({ component: wiring.name }), { intervalMs: config.intervalMs });
        log.start();
        return log;
      },
    },
    {
      provide: wiring.engine,
      inject: [
        EVENT_BUS,
        { token: STATE_STORE, optional: true },
        METRICS_REGISTRY,
        errorLog,
        TELEMETRY_IDENTITY,
        // without TargetAssignmentModule (`sonde up`): one process polls every target
        { token: TARGET_ASSIGNMENT, optional: true },
      ],
      useFactory: (bus: EventBus, state: StateStore | undefined, registry: Registry, errors: RateLimitedLog, identity: TelemetryIdentity, assignment?: TargetAssignment) =>
        wiring.create(
          {
            config,
            bus,
            origin: { site: identity.site, collector: identity.instance },
            ...(state ? { state } : {}),
            ...(assignment ? { owns: (deviceId: string) => assignment.owns(deviceId) } : {}),
            onError: (device, reason, message) => errors.log(device, reason, { device, reason }, message),
          },
          registry,
        ),
    },
    {
      provide: `${wiring.name}:lifecycle`,
      inject: [wiring.engine, SONDE_INVENTORY, LOGGER, HEALTH_CHECKS, errorLog, { token: TARGET_ASSIGNMENT, optional: true }],
      useFactory: (engine: E, inventory: Inventory, logger: Logger, health: HealthChecks, errors: RateLimitedLog, assignment?: TargetAssignment) =>
        new PollServiceLifecycle(wiring, config, engine, inventory, logger, health, errors, assignment),
    },
  ];
}

class PollServiceLifecycle<C extends PollServiceConfig, E extends PollEngine> implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly wiring: PollServiceWiring<C, E>,
    private readonly config: C,
    private readonly engine: E,
    private readonly inventory: Inventory,
    private readonly logger: Logger,
    private readonly health: HealthChecks,
    private readonly errors: RateLimitedLog,
    private readonly assignment?: TargetAssignment,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.enabled) return;
    const { engine, wiring } = this;
    const log = this.logger.child({ component: wiring.name });
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
    const source = { devicesAt, snmpCredential: (d: Device) => this.inventory.snmpCredential(d) };
    const targets = () => (wiring.overrides ? pollTargets(source, this.config, invalid, wiring.overrides) : pollTargets(source, this.config, invalid));
    engine.setTargets(targets());
    engine.start();
    wiring.started?.(engine, log);
    this.health.register(wiring.name, async () => ({ ok: true, detail: `${engine.targetCount} of ${engine.siteTargetCount} ${wiring.noun} owned` }));
    // Sharded among replicas (TargetAssignmentModule): nothing is polled until the first
    // assignment; each later one (a replica joined, left or died, or an applied inventory)
    // starts/stops the difference.
    this.assignment
      ?.start(() => {
        const before = new Set(engine.ownedDeviceIds);
        engine.setTargets(targets());
        const gained = engine.ownedDeviceIds.filter((id) => !before.delete(id));
        const lost = [...before];
        log.info({ owned: engine.targetCount, site: engine.siteTargetCount, gained, lost }, wiring.reassigned);
      })
      .catch((err: unknown) => log.error({ err }, `target assignment failed: polling the ${wiring.noun} of the last assignment`));
  }

  async onModuleDestroy(): Promise<void> {
    await this.engine.stop();
    this.errors.stop();
    this.errors.flush();
  }
}
