import { Module, type DynamicModule } from '@nestjs/common';
import { EVENT_BUS } from '@sonde/bus/bus.tokens';
import type { EventBus } from '@sonde/bus/event-bus';
import type { Inventory } from '@sonde/inventory/inventory';
import { SONDE_INVENTORY } from '@sonde/inventory/inventory.tokens';
import type { StateStore } from '@sonde/state/state-store';
import { STATE_STORE } from '@sonde/state/state.tokens';
import { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import type { TelemetryIdentity } from '@sonde/telemetry/telemetry-identity';
import { LOGGER, METRICS_REGISTRY, TELEMETRY_IDENTITY } from '@sonde/telemetry/telemetry.tokens';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { AlertCheckpointStore } from './alert-checkpoint-store';
import { alertEngineConfigSchema, type AlertEngineConfig } from './alert-engine.config';
import { ALERT_ENGINE_CONFIG, AlertEngineConsumer, ENGINE_RELOADER, EVALUATION_PIPELINE, RULE_RELOADER } from './alert-engine.consumer';
import { AlertEngineReloader } from './alert-engine-reloader';
import { AlertEngineMetrics } from './alert-engine.metrics';
import { ALERT_TRANSITION_SINK, GROUP_KEY_RESOLVER, type AlertTransitionSink, type GroupKeyResolver } from './alert-transition-sink';
import { BusTransitionSink } from './bus-transition-sink';
import { NOTIFY_RELOADER, NOTIFY_ROUTE_TREE, NotifyModule } from './notify/notify.module';
import type { NotifyConfigSource, NotifyReloader } from './notify/notify-reloader';
import { EvaluationPipeline } from './evaluation-pipeline';
import { RuleReloader } from './rule-reloader';
import { RulesReloadController } from './rules-reload.controller';

export { ALERT_ENGINE_CONFIG, ENGINE_RELOADER, EVALUATION_PIPELINE, RULE_RELOADER };

export interface AlertEngineModuleOptions {
  /** Re-reads the config file the process was started with, for notification config reloads (main.ts, `sonde up`). */
  configSource?: NotifyConfigSource;
}
const RULE_ERROR_LOG = 'ALERT_RULE_ERROR_LOG';
const EVALUATION_PIPELINE_REF = 'ALERT_EVALUATION_PIPELINE_REF';

/**
 * Wires the alert engine to the global bus, state, inventory and telemetry modules (ADR 0001).
 * Evaluation publishes transitions through ALERT_TRANSITION_SINK; the notification half
 * provides GROUP_KEY_RESOLVER from its routing tree (optional: default is the fingerprint).
 */
@Module({})
export class AlertEngineModule {
  static forRoot(config: AlertEngineConfig = alertEngineConfigSchema.parse({}), options: AlertEngineModuleOptions = {}): DynamicModule {
    return {
      module: AlertEngineModule,
      imports: [NotifyModule.forRoot(config.notify, options.configSource)],
      controllers: [RulesReloadController],
      providers: [
        { provide: GROUP_KEY_RESOLVER, inject: [NOTIFY_ROUTE_TREE], useFactory: (groupKeys: GroupKeyResolver): GroupKeyResolver => groupKeys },
        { provide: ALERT_ENGINE_CONFIG, useValue: config },
        { provide: AlertEngineMetrics, inject: [METRICS_REGISTRY], useFactory: (registry: Registry) => new AlertEngineMetrics(registry) },
        {
          provide: ALERT_TRANSITION_SINK,
          inject: [EVENT_BUS, { token: GROUP_KEY_RESOLVER, optional: true }],
          useFactory: (bus: EventBus, groupKeys?: GroupKeyResolver) => new BusTransitionSink(bus, groupKeys),
        },
        {
          // one line per rule per minute, summaries of the rest (design.md §6)
          provide: RULE_ERROR_LOG,
          inject: [LOGGER],
          useFactory: (logger: Logger) => {
            const log = new RateLimitedLog(logger.child({ component: 'alert-engine' }), { intervalMs: 60_000 });
            log.start();
            return log;
          },
        },
        {
          provide: RULE_RELOADER,
          inject: [LOGGER, AlertEngineMetrics, { token: EVALUATION_PIPELINE_REF, optional: false }],
          useFactory: (logger: Logger, metrics: AlertEngineMetrics, ref: { pipeline?: EvaluationPipeline }) => {
            const log = logger.child({ component: 'alert-engine' });
            return new RuleReloader({
              config,
              apply: async (rules) => ref.pipeline?.setRules(rules),
              onResult: (result, trigger) => {
                metrics.reloads.inc({ result: result.ok ? 'ok' : 'error' });
                if (result.ok) log.info({ trigger, rules: result.rules, sources: result.sources }, 'alert rules reloaded');
                else log.error({ trigger }, `alert rules not reloaded (the old rules stay): ${result.error}`);
              },
            });
          },
        },
        {
          provide: ENGINE_RELOADER,
          inject: [RULE_RELOADER, NOTIFY_RELOADER],
          useFactory: (rules: RuleReloader, notify: NotifyReloader) => new AlertEngineReloader(rules, notify),
        },
        { provide: EVALUATION_PIPELINE_REF, useValue: {} },
        {
          provide: EVALUATION_PIPELINE,
          inject: [RULE_RELOADER, EVALUATION_PIPELINE_REF, ALERT_TRANSITION_SINK, STATE_STORE, SONDE_INVENTORY, AlertEngineMetrics, RULE_ERROR_LOG, TELEMETRY_IDENTITY],
          useFactory: (
            reloader: RuleReloader,
            ref: { pipeline?: EvaluationPipeline },
            sink: AlertTransitionSink,
            state: StateStore,
            inventory: Inventory,
            metrics: AlertEngineMetrics,
            errors: RateLimitedLog,
            identity: TelemetryIdentity,
          ) => {
            const rules = reloader.initial();
            metrics.rulesLoaded.set(rules.rules.length);
            const pipeline = new EvaluationPipeline(rules, {
              collector: identity.instance,
              sink,
              checkpoints: new AlertCheckpointStore(state, config.checkpointKeyPrefix),
              metrics,
              tagsOf: (id) => inventory.byId(id)?.tags ?? [],
              parentsOf: (id) => inventory.byId(id)?.parents ?? [],
              onRuleError: (rule, device, err) => {
                metrics.ruleErrors.inc({ rule: rule.id });
                errors.log(rule.id, 'rule-error', { rule: rule.id, device, origin: rule.origin }, `alert rule ${rule.id} failed: ${err instanceof Error ? err.message : String(err)}`);
              },
              onInvalidCheckpoint: (device) => errors.log(device, 'checkpoint', { device }, 'unreadable alert-engine checkpoint ignored; the device starts over'),
            });
            ref.pipeline = pipeline;
            return pipeline;
          },
        },
        AlertEngineConsumer,
      ],
      exports: [ALERT_TRANSITION_SINK, AlertEngineMetrics, ALERT_ENGINE_CONFIG, EVALUATION_PIPELINE, RULE_RELOADER, ENGINE_RELOADER, NotifyModule],
    };
  }
}

