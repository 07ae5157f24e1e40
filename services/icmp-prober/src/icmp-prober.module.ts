import { Module, type DynamicModule } from '@nestjs/common';
import type { TargetAssignment } from '@sonde/bus/target-assignment';
import { TARGET_ASSIGNMENT } from '@sonde/bus/target-assignment.tokens';
import type { Inventory } from '@sonde/inventory/inventory';
import { SONDE_INVENTORY } from '@sonde/inventory/inventory.tokens';
import { parsePublishedDevice } from '@sonde/inventory/published-device';
import type { TelemetryIdentity } from '@sonde/telemetry/telemetry-identity';
import { LOGGER, METRICS_REGISTRY, TELEMETRY_IDENTITY } from '@sonde/telemetry/telemetry.tokens';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ICMP_PROBER_CONFIG, IcmpProberListener } from './icmp-prober.listener';
import { icmpProberConfigSchema, type IcmpProberConfig } from './icmp-prober.config';
import { IcmpProberMetrics } from './icmp-prober.metrics';
import { IcmpProberService, type ProbeEventSink } from './icmp-prober-service';

/** ADR 0001 token of libs/bus's BusModule. */
const EVENT_BUS = 'EVENT_BUS';

/** Wires the ICMP prober to the global bus, inventory and telemetry modules (ADR 0001). */
@Module({})
export class IcmpProberModule {
  static forRoot(config: Partial<IcmpProberConfig> = {}): DynamicModule {
    const parsed = icmpProberConfigSchema.parse(config);
    return {
      module: IcmpProberModule,
      providers: [
        { provide: ICMP_PROBER_CONFIG, useValue: parsed },
        {
          provide: IcmpProberService,
          inject: [
            EVENT_BUS,
            SONDE_INVENTORY,
            METRICS_REGISTRY,
            LOGGER,
            TELEMETRY_IDENTITY,
            // without TargetAssignmentModule (`sonde up`): one process probes every target
            { token: TARGET_ASSIGNMENT, optional: true },
          ],
          useFactory: (bus: ProbeEventSink, inventory: Inventory, registry: Registry, logger: Logger, identity: TelemetryIdentity, assignment?: TargetAssignment) =>
            new IcmpProberService(parsed, {
              ...(assignment ? { owns: (deviceId: string) => assignment.owns(deviceId) } : {}),
              bus,
              // the config file's devices, or what `sonde inventory apply` published to the
              // partitions this replica owns (re-read on every change: refreshTargets)
              inventory: {
                devicesAt: () =>
                  assignment
                    ? assignment.devices(inventory.devicesAt(), (raw, id) => {
                        const r = parsePublishedDevice(raw, inventory.site);
                        if ('problem' in r) logger.warn({ component: 'icmp-prober', device: id }, `not probed: ${r.problem}`);
                        return 'device' in r ? r.device : undefined;
                      })
                    : inventory.devicesAt(),
              },
              metrics: new IcmpProberMetrics(registry),
              log: logger.child({ component: 'icmp-prober' }),
              origin: { site: identity.site, collector: identity.instance },
            }),
        },
        IcmpProberListener,
      ],
      exports: [IcmpProberService],
    };
  }
}
