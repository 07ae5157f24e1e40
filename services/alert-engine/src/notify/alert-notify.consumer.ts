import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_BUS } from '@sonde/bus/bus.tokens';
import type { EventBus, Subscription } from '@sonde/bus/event-bus';
import type { HealthChecks } from '@sonde/telemetry/health-checks';
import { HEALTH_CHECKS } from '@sonde/telemetry/telemetry.tokens';
import type { AlertTransitionEvent } from './alert-from-transition';
import { NotificationDispatcher } from './notification-dispatcher';
import type { NotifyConfig } from './notify.config';

export const NOTIFY_CONFIG = 'ALERT_NOTIFY_CONFIG';

/** Nest glue: feeds `sonde.alert.v1` (consumer group alertEngine.notify.group) into the dispatcher. */
@Injectable()
export class AlertNotifyConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | undefined;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
    @Inject(NotificationDispatcher) private readonly dispatcher: NotificationDispatcher,
    @Inject(HEALTH_CHECKS) private readonly health: HealthChecks,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.enabled) return;
    this.health.register('alert-notify', () => Promise.resolve({ ok: this.subscription !== undefined, detail: 'consuming sonde.alert.v1' }));
    this.dispatcher.start();
    this.subscription = await this.bus.subscribe({
      group: this.config.group,
      families: ['alert'],
      handler: async (batch) => {
        const transitions: AlertTransitionEvent[] = [];
        for (const e of batch.events) if (e.kind === 'alert.state') transitions.push(e);
        await this.dispatcher.ingest(transitions);
      },
      maxBatchEvents: this.config.maxBatchEvents,
      maxBatchWaitMs: this.config.maxBatchWaitMs,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
    await this.dispatcher.stop();
  }
}
