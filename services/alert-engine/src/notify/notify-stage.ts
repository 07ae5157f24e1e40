import { hostname } from 'node:os';
import type { Inventory } from '@sonde/inventory/inventory';
import type { StateStore } from '@sonde/state/state-store';
import type { Registry } from 'prom-client';
import { AlertmanagerApi, type ApiRouting } from '../api/alertmanager-api';
import type { GroupKeyResolver } from '../alert-transition-sink';
import { AlertMuting } from './alert-muting';
import { NotificationDispatcher, type DispatchLogger, type DispatchRouting } from './notification-dispatcher';
import { NotificationFeed } from './notification-feed';
import type { Notifier } from './notifier';
import { createNotifier } from './notifier-types';
import { NotifyConfigError } from './notify-config-error';
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
 * Keys a reload does not change: they name the consumer group and the shared StateStore layout
 * every replica agrees on, or size the consumer. A reload keeps their boot values and says so.
 */
export const RESTART_ONLY_KEYS = ['enabled', 'group', 'keyPrefix', 'syncInterval', 'notificationLog', 'maxBatchEvents', 'maxBatchWaitMs'] as const;

export interface NotifyReloadSummary {
  receivers: number;
  routes: number;
  /** Keys that changed in the file but keep their boot value until a restart. */
  restartRequired: string[];
}

/**
 * Builds the notification half from its config: the routing tree (also the evaluator's group
 * key resolver), silences, muting, notifiers per receiver, the dispatcher and the API. Plain
 * code, so tests and `sonde up` build it the same way the Nest module does. `reload()` swaps
 * the routing part (routes, receivers, time intervals, maintenance windows) in place.
 */
export class NotifyStage {
  readonly silences: SilenceStore;
  readonly feed = new NotificationFeed();
  readonly dispatcher: NotificationDispatcher;
  readonly api: AlertmanagerApi;
  readonly metrics: NotifyMetrics;
  /** The evaluator's GroupKeyResolver: always the current tree, so a reload re-keys new transitions too. */
  readonly groupKeys: GroupKeyResolver = { groupKeyOf: (labels) => this.routing.tree.groupKeyOf(labels) };
  private routing: DispatchRouting;
  private readonly bootConfig: NotifyConfig;

  constructor(private readonly deps: NotifyStageDeps) {
    const { config } = deps;
    const scheduler = deps.scheduler ?? systemScheduler;
    this.bootConfig = config;
    this.silences = new SilenceStore(deps.state, `${config.keyPrefix}silences`, scheduler, config.notificationLog.retention);
    this.metrics = new NotifyMetrics(deps.registry);
    this.routing = this.build(config, deps.inventory);
    this.dispatcher = new NotificationDispatcher({
      ...this.routing,
      state: deps.state,
      scheduler,
      metrics: this.metrics,
      logger: deps.logger,
      holder: deps.holder ?? `${hostname()}-${process.pid}`,
    });
    this.api = new AlertmanagerApi({
      state: deps.state,
      alertIndexKey: `${config.keyPrefix}alerts`,
      silences: this.silences,
      ...apiRouting(this.routing),
      clock: scheduler,
      version: '0.25.0-sonde',
    });
  }

  get tree(): RouteTree {
    return this.routing.tree;
  }

  get muting(): AlertMuting {
    return this.routing.muting;
  }

  /**
   * Applies a new, already validated notify section (the config file re-read). Every notifier is
   * built before anything is swapped, so a receiver that cannot be built (NotifyConfigError with
   * its path) leaves the running config untouched. `credentials` are the re-read file's.
   */
  reload(next: NotifyConfig, credentials: Pick<Inventory, 'credentialOfType'> = this.deps.inventory): NotifyReloadSummary {
    const restartRequired = RESTART_ONLY_KEYS.filter((k) => JSON.stringify(next[k]) !== JSON.stringify(this.bootConfig[k]));
    const effective: NotifyConfig = { ...next };
    for (const k of RESTART_ONLY_KEYS) Object.assign(effective, { [k]: this.bootConfig[k] });
    const routing = this.build(effective, credentials);
    this.routing = routing;
    this.dispatcher.reconfigure(routing);
    this.api.reconfigure(apiRouting(routing));
    return { receivers: effective.receivers.length, routes: [...routing.tree.root.walk()].length, restartRequired };
  }

  private build(config: NotifyConfig, credentials: Pick<Inventory, 'credentialOfType'>): DispatchRouting {
    const http = new OutboundHttp(new OutboundGuard(config.outbound.allowHosts));
    const receivers = new Map<string, Notifier[]>();
    config.receivers.forEach((r, i) => {
      receivers.set(
        r.name,
        r.notifiers.map((n, j) => {
          try {
            return createNotifier(n, { http, credentials, timeoutMs: config.retry.timeout, externalURL: config.externalURL, logger: this.deps.logger, feed: this.feed });
          } catch (err) {
            throw new NotifyConfigError(`alertEngine.notify.receivers[${i}].notifiers[${j}]`, `(${n.type}) ${(err as Error).message}`, { cause: err });
          }
        }),
      );
    });
    return { config, tree: new RouteTree(config.route), muting: new AlertMuting(config, this.silences), receivers };
  }
}

function apiRouting(routing: DispatchRouting): ApiRouting {
  const { config } = routing;
  return {
    muting: routing.muting,
    tree: routing.tree,
    receivers: config.receivers.map((r) => r.name),
    // JSON is YAML: amtool `config show` prints it. Only the route and receiver names (no URLs, no secrets).
    configText: JSON.stringify({ route: config.route, receivers: config.receivers.map((r) => ({ name: r.name })) }, null, 2),
  };
}
