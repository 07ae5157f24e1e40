import { hostname } from 'node:os';
import type { Inventory } from '@sonde/inventory/inventory';
import type { StateStore } from '@sonde/state/state-store';
import type { Registry } from 'prom-client';
import { AlertmanagerApi } from '../api/alertmanager-api';
import { AlertMuting } from './alert-muting';
import { NotificationDispatcher, type DispatchLogger } from './notification-dispatcher';
import { NotificationFeed } from './notification-feed';
import type { Notifier } from './notifier';
import { createNotifier } from './notifier-types';
import type { NotifyConfig } from './notify.config';
import { NotifyMetrics } from './notify.metrics';
import { OutboundGuard } from './outbound-guard';
import { OutboundHttp } from './outbound-http';
import { RouteTree } from './route-tree';
import { systemScheduler, type Scheduler } from './scheduler';
import { SilenceStore } from './silence-store';

export interface NotifyStageDeps {
  config: NotifyConfig;
  state: StateStore;
  inventory: Pick<Inventory, 'credentialOfType'>;
  registry: Registry;
  logger: DispatchLogger;
  scheduler?: Scheduler;
  holder?: string;
}

/**
 * Builds the notification half from its config: the routing tree (also the evaluator's group
 * key resolver), silences, muting, notifiers per receiver, the dispatcher and the API. Plain
 * code, so tests and `sonde up` build it the same way the Nest module does.
 */
export class NotifyStage {
  readonly tree: RouteTree;
  readonly silences: SilenceStore;
  readonly muting: AlertMuting;
  readonly feed = new NotificationFeed();
  readonly dispatcher: NotificationDispatcher;
  readonly api: AlertmanagerApi;
  readonly metrics: NotifyMetrics;

  constructor(deps: NotifyStageDeps) {
    const { config } = deps;
    const scheduler = deps.scheduler ?? systemScheduler;
    this.tree = new RouteTree(config.route);
    this.silences = new SilenceStore(deps.state, `${config.keyPrefix}silences`, scheduler, config.notificationLog.retention);
    this.muting = new AlertMuting(config, this.silences);
    this.metrics = new NotifyMetrics(deps.registry);
    const http = new OutboundHttp(new OutboundGuard(config.outbound.allowHosts));
    const receivers = new Map<string, Notifier[]>();
    config.receivers.forEach((r, i) => {
      receivers.set(
        r.name,
        r.notifiers.map((n, j) => {
          try {
            return createNotifier(n, { http, credentials: deps.inventory, timeoutMs: config.retry.timeout, externalURL: config.externalURL, logger: deps.logger, feed: this.feed });
          } catch (err) {
            throw new Error(`alertEngine.notify.receivers[${i}].notifiers[${j}] (${n.type}): ${(err as Error).message}`, { cause: err });
          }
        }),
      );
    });
    this.dispatcher = new NotificationDispatcher({
      config,
      tree: this.tree,
      state: deps.state,
      muting: this.muting,
      receivers,
      scheduler,
      metrics: this.metrics,
      logger: deps.logger,
      holder: deps.holder ?? `${hostname()}-${process.pid}`,
    });
    this.api = new AlertmanagerApi({
      state: deps.state,
      alertIndexKey: `${config.keyPrefix}alerts`,
      silences: this.silences,
      muting: this.muting,
      tree: this.tree,
      receivers: config.receivers.map((r) => r.name),
      clock: scheduler,
      // JSON is YAML: amtool `config show` prints it. Only the route and receiver names (no URLs, no secrets).
      configText: JSON.stringify({ route: config.route, receivers: config.receivers.map((r) => ({ name: r.name })) }, null, 2),
      version: '0.25.0-sonde',
    });
  }
}
