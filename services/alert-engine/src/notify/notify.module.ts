import { Module, type DynamicModule } from '@nestjs/common';
import type { Inventory } from '@sonde/inventory/inventory';
import { SONDE_INVENTORY } from '@sonde/inventory/inventory.tokens';
import type { StateStore } from '@sonde/state/state-store';
import { STATE_STORE } from '@sonde/state/state.tokens';
import { LOGGER, METRICS_REGISTRY } from '@sonde/telemetry/telemetry.tokens';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ALERTMANAGER_API, AlertmanagerApiController } from '../api/alertmanager-api.controller';
import { AlertNotifyConsumer, NOTIFY_CONFIG } from './alert-notify.consumer';
import { NotificationDispatcher } from './notification-dispatcher';
import type { NotifyConfig } from './notify.config';
import { NotifyReloader, type NotifyConfigSource } from './notify-reloader';
import { NotifyStage } from './notify-stage';

/** The current RouteTree as the evaluator's GroupKeyResolver (alert-transition-sink.ts; follows reloads). */
export const NOTIFY_ROUTE_TREE = 'ALERT_NOTIFY_ROUTE_TREE';
export const NOTIFICATION_FEED = 'ALERT_NOTIFICATION_FEED';
export const NOTIFY_RELOADER = 'ALERT_NOTIFY_RELOADER';

/**
 * Wires the notification half (needs EVENT_BUS, STATE_STORE, SONDE_INVENTORY, telemetry).
 * `source` re-reads the config file for reloads; without it a reload leaves the config as booted.
 */
@Module({})
export class NotifyModule {
  static forRoot(config: NotifyConfig, source?: NotifyConfigSource): DynamicModule {
    return {
      module: NotifyModule,
      controllers: [AlertmanagerApiController],
      providers: [
        { provide: NOTIFY_CONFIG, useValue: config },
        {
          provide: NotifyStage,
          inject: [STATE_STORE, SONDE_INVENTORY, METRICS_REGISTRY, LOGGER],
          useFactory: (state: StateStore, inventory: Inventory, registry: Registry, logger: Logger) =>
            new NotifyStage({ config, state, inventory, registry, logger: logger.child({ component: 'alert-notify' }) }),
        },
        { provide: NotificationDispatcher, inject: [NotifyStage], useFactory: (s: NotifyStage) => s.dispatcher },
        { provide: ALERTMANAGER_API, inject: [NotifyStage], useFactory: (s: NotifyStage) => s.api },
        { provide: NOTIFY_ROUTE_TREE, inject: [NotifyStage], useFactory: (s: NotifyStage) => s.groupKeys },
        {
          provide: NOTIFY_RELOADER,
          inject: [NotifyStage, LOGGER],
          useFactory: (stage: NotifyStage, logger: Logger) => {
            const log = logger.child({ component: 'alert-notify' });
            return new NotifyReloader({
              source,
              stage,
              onResult: (result, trigger) => {
                if ('skipped' in result) log.info({ trigger }, `notification config not reloaded: ${result.skipped}`);
                else if (result.ok) {
                  log.info({ trigger, file: result.file, receivers: result.receivers, routes: result.routes }, 'notification config reloaded');
                  if (result.restartRequired.length > 0) log.warn({ trigger, file: result.file, keys: result.restartRequired }, `notification config: ${result.restartRequired.join(', ')} changed but keep their boot values until a restart`);
                } else log.error({ trigger, file: result.file, path: result.path }, `notification config not reloaded (the old config stays): ${result.error}`);
              },
            });
          },
        },
        { provide: NOTIFICATION_FEED, inject: [NotifyStage], useFactory: (s: NotifyStage) => s.feed },
        AlertNotifyConsumer,
      ],
      exports: [NotifyStage, NOTIFY_ROUTE_TREE, NOTIFICATION_FEED, NOTIFY_RELOADER],
    };
  }
}
