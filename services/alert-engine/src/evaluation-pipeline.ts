import type { EventBatch } from '@sonde/bus/event-bus';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { AlertCheckpointStore } from './alert-checkpoint-store';
import type { AlertEngineMetrics } from './alert-engine.metrics';
import { AlertEvaluator, type EvaluatorOptions } from './alert-evaluator';
import type { AlertStateEvent, AlertTransitionSink } from './alert-transition-sink';
import type { RuleSet } from './rule-set';

export interface PipelineOptions extends Omit<EvaluatorOptions, 'startedAt'> {
  sink: AlertTransitionSink;
  checkpoints: AlertCheckpointStore;
  metrics: AlertEngineMetrics;
  clock?: () => number;
  /** A checkpoint that did not decode (counted; the device starts over). */
  onInvalidCheckpoint?(deviceId: string): void;
}

/**
 * Bus batches → evaluator → transitions → checkpoints, one step at a time (batches, ticks and
 * reloads never interleave). Order per batch: load the checkpoints of devices not yet in
 * memory, evaluate, publish the transitions, then save the checkpoints, then let the bus commit.
 * A crash after publishing and before the checkpoint replays the batch from the old checkpoint:
 * the same transitions come out with the same transitionIds, which the notification log dedups.
 */
export class EvaluationPipeline {
  readonly evaluator: AlertEvaluator;
  private chain: Promise<unknown> = Promise.resolve();
  private shared = new Set<string>();
  private readonly clock: () => number;

  constructor(
    rules: RuleSet,
    private readonly options: PipelineOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.evaluator = new AlertEvaluator(rules, { ...options, startedAt: this.clock() });
  }

  /** The bus handler: resolves once the batch's transitions are published and its state saved. */
  handle(batch: EventBatch): Promise<void> {
    return this.serial(async () => {
      const events = batch.events.filter((e) => e.kind !== 'alert.state');
      await this.loadMissing(events);
      const transitions = this.evaluator.evaluate(events);
      for (const e of events) this.options.metrics.eventsEvaluated.inc({ kind: e.kind });
      try {
        await this.publish(transitions);
      } catch (err) {
        // the bus redelivers this batch: evaluate it again from the last checkpoint, not from memory
        this.evaluator.forget(new Set(events.map((e) => e.device.id)));
        throw err;
      }
    });
  }

  /** Timers (for:, keep_firing_for:, absence, silence) and the shared inhibitors. */
  tick(): Promise<void> {
    return this.serial(async () => {
      this.evaluator.setRemoteInhibitors(await this.options.checkpoints.inhibitors());
      await this.publish(this.evaluator.tick(this.clock()));
    });
  }

  /** Swaps the rules between two batches; firing alerts of removed rules resolve. */
  setRules(rules: RuleSet): Promise<void> {
    return this.serial(async () => {
      await this.publish(this.evaluator.setRules(rules, this.clock()));
      this.options.metrics.rulesLoaded.set(rules.rules.length);
    });
  }

  private async loadMissing(events: readonly SondeEvent[]): Promise<void> {
    const missing = [...new Set(events.map((e) => e.device.id))].filter((id) => !this.evaluator.has(id));
    if (missing.length === 0) return;
    const { states, invalid } = await this.options.checkpoints.load(missing);
    for (const s of states) this.evaluator.restore(s);
    for (const id of invalid) this.options.onInvalidCheckpoint?.(id);
  }

  private async publish(transitions: readonly AlertStateEvent[]): Promise<void> {
    if (transitions.length > 0) {
      await this.options.sink.emit(transitions);
      for (const t of transitions) this.options.metrics.transitions.inc({ transition: t.payload.transition, severity: t.payload.severity });
    }
    const dirty = this.evaluator.takeDirty();
    try {
      await this.options.checkpoints.save(dirty);
      this.options.metrics.checkpoints.inc({ result: 'ok' }, dirty.length);
    } catch (err) {
      this.options.metrics.checkpoints.inc({ result: 'error' }, dirty.length);
      throw err;
    }
    this.shared = await this.options.checkpoints.shareInhibitors(this.evaluator.localInhibitors(), this.shared);
    const counts = this.evaluator.activeCounts();
    this.options.metrics.activeAlerts.set({ state: 'pending' }, counts.pending);
    this.options.metrics.activeAlerts.set({ state: 'firing' }, counts.firing);
  }

  private serial<T>(step: () => Promise<T>): Promise<T> {
    const next = this.chain.then(step, step);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
