import { Module, type DynamicModule } from '@nestjs/common';
import { EVENT_BUS } from '@sonde/bus/bus.tokens';
import type { EventBus } from '@sonde/bus/event-bus';
import { METRICS_REGISTRY } from '@sonde/telemetry/telemetry.tokens';
import type { Registry } from 'prom-client';
import { alertEngineConfigSchema, type AlertEngineConfig } from './alert-engine.config';
import { AlertEngineMetrics } from './alert-engine.metrics';
import { ALERT_TRANSITION_SINK, GROUP_KEY_RESOLVER, type GroupKeyResolver } from './alert-transition-sink';
import { BusTransitionSink } from './bus-transition-sink';
import { NOTIFY_ROUTE_TREE, NotifyModule } from './notify/notify.module';
import type { RouteTree } from './notify/route-tree';

export const ALERT_ENGINE_CONFIG = 'ALERT_ENGINE_CONFIG';

/**
 * Wires the alert engine to the global bus, state, inventory and telemetry modules (ADR 0001).
 * Evaluation publishes transitions through ALERT_TRANSITION_SINK; the notification half
 * provides GROUP_KEY_RESOLVER from its routing tree (optional: default is the fingerprint).
 */
@Module({})
export class AlertEngineModule {
  static forRoot(config: AlertEngineConfig = alertEngineConfigSchema.parse({})): DynamicModule {
    return {
      module: AlertEngineModule,
      imports: [NotifyModule.forRoot(config.notify)],
      providers: [
        { provide: GROUP_KEY_RESOLVER, inject: [NOTIFY_ROUTE_TREE], useFactory: (tree: RouteTree): GroupKeyResolver => tree },
        { provide: ALERT_ENGINE_CONFIG, useValue: config },
        { provide: AlertEngineMetrics, inject: [METRICS_REGISTRY], useFactory: (registry: Registry) => new AlertEngineMetrics(registry) },
        {
          provide: ALERT_TRANSITION_SINK,
          inject: [EVENT_BUS, { token: GROUP_KEY_RESOLVER, optional: true }],
          useFactory: (bus: EventBus, groupKeys?: GroupKeyResolver) => new BusTransitionSink(bus, groupKeys),
        },
      ],
      exports: [ALERT_TRANSITION_SINK, AlertEngineMetrics, ALERT_ENGINE_CONFIG, NotifyModule],
    };
  }
}
