import { Inject, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { TargetAssignment } from '@sonde/bus/target-assignment';
import { TargetAssignmentModule } from '@sonde/bus/target-assignment.module';
import { EVENT_BUS, BusModule } from '@sonde/bus/bus.module';
import type { EventBus } from '@sonde/bus/event-bus';
import { NOTIFICATION_FEED } from '@sonde/alert-engine/notify/notify.module';
import type { NotificationFeed } from '@sonde/alert-engine/notify/notification-feed';
import { InventoryModule } from '@sonde/inventory/inventory.module';
import { StateModule } from '@sonde/state/state.module';
import { StoreModule } from '@sonde/store/store.module';
import { METRICS_REGISTRY, TelemetryModule } from '@sonde/telemetry/telemetry.module';
import type { DestinationStream } from 'pino';
import type { Registry } from 'prom-client';
import { ClickHouseHttpModule } from './clickhouse-http/clickhouse-http.module';
import { LocalApiController, STATUS_TRACKER } from './local-api.controller';
import { STANDALONE_SERVICES, type StandaloneConfigFile } from './standalone-services';
import type { UpConfig } from './up-config';
import { StatusTracker } from './status/status-tracker';

class StatusLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(STATUS_TRACKER) private readonly tracker: StatusTracker,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {}
  async onApplicationBootstrap(): Promise<void> {
    await this.tracker.attach(this.bus);
  }
  async onApplicationShutdown(): Promise<void> {
    await this.tracker.close();
  }
}

export interface StandaloneOptions {
  logDestination?: DestinationStream;
  /** Services to leave out (e.g. the ICMP prober without CAP_NET_RAW). */
  disabled?: readonly string[];
  /** The one target assignment of the process: `sonde up` feeds it the devices of a changed config file. */
  targetAssignment?: TargetAssignment;
  /** The config file (`--config`), re-read by reloads without restart (the alert-engine's notification config). */
  configFile?: StandaloneConfigFile;
}

/** `sonde up`: every service over one set of embedded adapters, plus the loopback API. */
@Module({})
export class StandaloneModule {
  static forRoot(config: UpConfig, options: StandaloneOptions = {}): DynamicModule {
    const services = STANDALONE_SERVICES.filter((s) => !(options.disabled ?? []).includes(s.name)).map((s) =>
      s.module(config as unknown as Record<string, unknown>, options.configFile),
    );
    return {
      module: StandaloneModule,
      imports: [
        TelemetryModule.forRoot({
          service: 'sonde',
          site: config.site,
          instance: config.instance,
          config: config.telemetry,
          ...(options.logDestination ? { logDestination: options.logDestination } : {}),
        }),
        InventoryModule.forRoot(config),
        BusModule.forRoot(config.bus),
        StoreModule.forRoot(config.store),
        StateModule.forRoot(config.state),
        ClickHouseHttpModule.forRoot(config.clickhouseHttp, config.store),
        ...(options.targetAssignment ? [TargetAssignmentModule.forInstance(options.targetAssignment)] : []),
        ...services,
      ],
      controllers: [LocalApiController],
      providers: [
        {
          provide: STATUS_TRACKER,
          useFactory: (registry: Registry, feed?: NotificationFeed) => {
            const tracker = new StatusTracker(registry, config.site);
            if (feed) tracker.showNotifications(feed);
            return tracker;
          },
          inject: [METRICS_REGISTRY, { token: NOTIFICATION_FEED, optional: true }],
        },
        StatusLifecycle,
      ],
    };
  }
}
