import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_BUS } from '@sonde/bus/bus.tokens';
import type { EventBus, Subscription } from '@sonde/bus/event-bus';
import type { HealthChecks } from '@sonde/telemetry/health-checks';
import { HEALTH_CHECKS } from '@sonde/telemetry/telemetry.tokens';
import type { AlertEngineConfig } from './alert-engine.config';
import type { AlertEngineReloader } from './alert-engine-reloader';
import type { EvaluationPipeline } from './evaluation-pipeline';
import type { RuleReloader } from './rule-reloader';

export const ALERT_ENGINE_CONFIG = 'ALERT_ENGINE_CONFIG';
export const EVALUATION_PIPELINE = 'ALERT_EVALUATION_PIPELINE';
export const RULE_RELOADER = 'ALERT_RULE_RELOADER';
/** Rules and notification config together (alert-engine-reloader.ts): SIGHUP and POST /api/rules/reload. */
export const ENGINE_RELOADER = 'ALERT_ENGINE_RELOADER';

/** Nest glue: the evaluation consumes the event topics (consumer group), ticks its timers, reloads rules and notification config on SIGHUP. */
@Injectable()
export class AlertEngineConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly onHup = () => void this.engineReloader.reload('SIGHUP');

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(ALERT_ENGINE_CONFIG) private readonly config: AlertEngineConfig,
    @Inject(EVALUATION_PIPELINE) private readonly pipeline: EvaluationPipeline,
    @Inject(RULE_RELOADER) private readonly reloader: RuleReloader,
    @Inject(ENGINE_RELOADER) private readonly engineReloader: AlertEngineReloader,
    @Inject(HEALTH_CHECKS) private readonly health: HealthChecks,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.enabled) return;
    this.health.register('alert-engine', async () => {
      const c = this.pipeline.evaluator.activeCounts();
      return { ok: true, detail: `${this.pipeline.evaluator.ruleSet.rules.length} rules, ${c.firing} firing, ${c.pending} pending` };
    });
    this.subscription = await this.bus.subscribe({
      group: this.config.group,
      families: this.config.families,
      handler: (batch) => this.pipeline.handle(batch),
      maxBatchEvents: this.config.maxBatchEvents,
      maxBatchWaitMs: this.config.maxBatchWaitMs,
      onAssignment: (partitions) => void this.pipeline.assigned(partitions).catch(() => undefined),
    });
    this.timer = setInterval(() => void this.pipeline.tick().catch(() => undefined), this.config.tickIntervalMs);
    this.timer.unref();
    if (this.config.watchRuleFiles) this.reloader.watchFiles();
    process.on('SIGHUP', this.onHup);
  }

  async onApplicationShutdown(): Promise<void> {
    process.off('SIGHUP', this.onHup);
    clearInterval(this.timer);
    this.reloader.close();
    await this.subscription?.close();
  }
}
