import { Module, type DynamicModule } from '@nestjs/common';
import type { EventBus } from '@sonde/bus/event-bus';
import type { Inventory } from '@sonde/inventory/inventory';
import { SONDE_INVENTORY } from '@sonde/inventory/inventory.tokens';
import { loadOidDictionary } from '@sonde/snmp/mib/mib-loader';
import { mibConfigSchema, type MibConfig } from '@sonde/snmp/mib/mib.config';
import { systemClock } from '@sonde/telemetry/clock';
import { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import { EventPublisher } from '@sonde/collector/event-publisher';
import { readUdpKernelDrops } from '@sonde/collector/udp-kernel-drops';
import type { TelemetryIdentity } from '@sonde/telemetry/telemetry-identity';
import { LOGGER, METRICS_REGISTRY, TELEMETRY_IDENTITY } from '@sonde/telemetry/telemetry.tokens';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { buildTrapReceiver } from './build-trap-receiver';
import { resolveTrapCredentials } from './trap-credentials';
import { trapDropReason } from './trap-drop-reason';
import { trapReceiverConfigSchema, type TrapReceiverConfig } from './trap-receiver.config';
import { TrapSockets } from './trap-sockets';
import { TRAP_RECEIVER_CONFIG, TrapListener, TrapRuntime } from './trap.listener';

/** ADR 0001 token of libs/bus's BusModule. */
const EVENT_BUS = 'EVENT_BUS';

/** Wires the trap receiver to the global bus, inventory and telemetry modules (ADR 0001). */
@Module({})
export class TrapReceiverModule {
  static forRoot(
    config: TrapReceiverConfig = trapReceiverConfigSchema.parse({}),
    mib: MibConfig = mibConfigSchema.parse(undefined),
  ): DynamicModule {
    return {
      module: TrapReceiverModule,
      providers: [
        { provide: TRAP_RECEIVER_CONFIG, useValue: config },
        {
          provide: TrapRuntime,
          inject: [EVENT_BUS, SONDE_INVENTORY, METRICS_REGISTRY, LOGGER, TELEMETRY_IDENTITY],
          useFactory: (bus: EventBus, inventory: Inventory, registry: Registry, logger: Logger, identity: TelemetryIdentity): TrapRuntime => {
            const log = logger.child({ component: 'trap-receiver' });
            const { dictionary, warnings } = loadOidDictionary(mib.folders);
            if (warnings.length) log.warn({ count: warnings.length, first: warnings.slice(0, 20) }, 'MIB warnings');
            const badInput = new RateLimitedLog(log, { intervalMs: config.summaryIntervalSeconds * 1000 });
            const { communities, users } = resolveTrapCredentials(config, inventory);
            // the socket gauges read the sockets, which exist only after the receiver
            const bound: { sockets?: TrapSockets } = {};
            const parts = buildTrapReceiver({
              config,
              communities,
              users,
              dictionary,
              registry,
              clock: systemClock,
              origin: { site: identity.site, collector: identity.instance },
              resolveDevice: (address) => inventory.resolveSource(address),
              onDrop: (source, err) => badInput.log(source, err.detail, { reason: trapDropReason(err), stage: err.stage, error: err.message }, 'trap dropped'),
              sockets: {
                kernelDrops: () => (bound.sockets ? readUdpKernelDrops(new Set(bound.sockets.ports)) : 0),
                receiveBufferBytes: () => bound.sockets?.grantedReceiveBufferBytes ?? 0,
              },
            });
            const publisher = new EventPublisher(bus, parts.metrics, { maxEvents: 500, maxWaitMs: 0, maxPendingEvents: config.maxPendingEvents }, log);
            const sockets = new TrapSockets(parts.receiver, publisher, config.receiveBufferBytes);
            bound.sockets = sockets;
            return new TrapRuntime(parts, publisher, sockets, badInput, log);
          },
        },
        TrapListener,
      ],
      exports: [TrapRuntime],
    };
  }
}
