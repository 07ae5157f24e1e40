import { Module, type DynamicModule } from '@nestjs/common';
import { EVENT_BUS } from '@sonde/bus/bus.tokens';
import type { EventBus } from '@sonde/bus/event-bus';
import type { Inventory } from '@sonde/inventory/inventory';
import { SONDE_INVENTORY } from '@sonde/inventory/inventory.tokens';
import type { TelemetryIdentity } from '@sonde/telemetry/telemetry-identity';
import { LOGGER, METRICS_REGISTRY, TELEMETRY_IDENTITY } from '@sonde/telemetry/telemetry.tokens';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { SYSLOG_RECEIVER_CONFIG, SyslogListener } from './syslog.listener';
import { SyslogReceiver } from './syslog-receiver';
import { syslogReceiverConfigSchema, type SyslogReceiverConfig } from './syslog-receiver.config';
import { SyslogReceiverMetrics } from './syslog-receiver.metrics';

/** Wires the syslog receiver to the global bus, inventory and telemetry modules (ADR 0001). */
@Module({})
export class SyslogReceiverModule {
  static forRoot(config: SyslogReceiverConfig = syslogReceiverConfigSchema.parse(undefined)): DynamicModule {
    return {
      module: SyslogReceiverModule,
      providers: [
        { provide: SYSLOG_RECEIVER_CONFIG, useValue: config },
        {
          provide: SyslogReceiver,
          inject: [EVENT_BUS, SONDE_INVENTORY, METRICS_REGISTRY, LOGGER, TELEMETRY_IDENTITY],
          useFactory: (bus: EventBus, inventory: Inventory, registry: Registry, logger: Logger, identity: TelemetryIdentity) => {
            // the kernel-drop gauge reads the ports the receiver bound, once it exists
            const bound: { receiver?: SyslogReceiver } = {};
            const metrics = new SyslogReceiverMetrics(registry, {
              udpKernelDrops: () => bound.receiver?.kernelDrops.total() ?? 0,
              udpReceiveBufferBytes: () => bound.receiver?.udpReceiveBufferBytes ?? 0,
              droppedBySource: () => bound.receiver?.droppedBySource() ?? [],
              kernelDropsBySource: () => bound.receiver?.kernelDrops.bySource() ?? [],
              udpIsolatedSources: () => bound.receiver?.udpIsolatedSources ?? 0,
            });
            const receiver = new SyslogReceiver(config, {
              bus,
              resolver: inventory,
              counts: metrics,
              log: logger.child({ component: 'syslog-receiver' }),
              origin: { site: identity.site, collector: identity.instance },
              gauges: {
                connections: (transport, d) => metrics.connections.inc({ transport }, d),
                paused: (transport, d) => metrics.pausedConnections.inc({ transport }, d),
                closed: (transport, reason) => metrics.connectionsClosed.inc({ transport, reason }),
              },
            });
            bound.receiver = receiver;
            return receiver;
          },
        },
        SyslogListener,
      ],
      exports: [SyslogReceiver],
    };
  }
}
