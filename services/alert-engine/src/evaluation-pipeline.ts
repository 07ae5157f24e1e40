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
  /** Bus partitions owned (Kafka); null until the first assignment (memory bus: never). */
  private owned: Set<number> | null = null;
  /** Device → the bus partition its events come from, for the devices in memory. */
  private readonly partitionOf = new Map<string, number>();
  /** Devices known to be on their partition's roster (written once per device and owner). */
  private readonly rostered = new Set<string>();
  /** Partitions gained whose roster is not loaded yet (the state store failed): retried each tick. */
  private readonly toAdopt = new Set<number>();

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
        await this.roster(batch.partition, events);
      } catch (err) {
        // the bus redelivers this batch: evaluate it again from the last checkpoint, not from memory
        this.evaluator.forget(new Set(events.map((e) => e.device.id)));
        throw err;
      }
    });
  }

  /**
   * A new group generation (Kafka): devices of partitions gained are loaded from their
   * checkpoints now, not at their next event — a device that fell silent while its partition
   * moved is still evaluated for absence and its timers run on; devices of partitions lost are
   * dropped from memory, so two replicas never run one device's timers.
   */
  assigned(partitions: readonly number[]): Promise<void> {
    return this.serial(async () => {
      const now = new Set(partitions);
      const before = this.owned ?? new Set<number>();
      this.owned = now;
      for (const p of [...this.toAdopt]) if (!now.has(p)) this.toAdopt.delete(p);
      for (const p of now) if (!before.has(p)) this.toAdopt.add(p);
      const released = [...this.partitionOf].filter(([, p]) => !now.has(p)).map(([id]) => id);
      if (released.length > 0) {
        this.evaluator.forget(released);
        for (const id of released) {
          this.partitionOf.delete(id);
          this.rostered.delete(id);
        }
        this.options.metrics.devicesReleased.inc(released.length);
      }
      await this.adoptPending();
    });
  }

  /** Loads the rostered devices of gained partitions; a partition whose read failed is retried at the next tick. */
  private async adoptPending(): Promise<void> {
    for (const p of [...this.toAdopt]) {
      try {
        const listed = await this.options.checkpoints.roster(p);
        const missing = listed.filter((id) => !this.evaluator.has(id));
        if (missing.length > 0) {
          const { states, invalid } = await this.options.checkpoints.load(missing);
          for (const s of states) {
            this.evaluator.restore(s);
            this.partitionOf.set(s.device.id, p);
            this.rostered.add(s.device.id);
          }
          for (const id of invalid) this.options.onInvalidCheckpoint?.(id);
          const found = new Set([...states.map((s) => s.device.id), ...invalid]);
          await this.options.checkpoints.removeFromRoster(p, missing.filter((id) => !found.has(id)));
          this.options.metrics.devicesAdopted.inc(states.length);
        }
        this.toAdopt.delete(p);
      } catch (err) {
        this.options.metrics.checkpoints.inc({ result: 'error' });
        throw err;
      }
    }
  }

  /** Puts the batch's devices on their partition's roster (once each), before the bus commits. */
  private async roster(partition: number | undefined, events: readonly SondeEvent[]): Promise<void> {
    // the memory bus: one process owns everything, nothing to adopt
    if (this.owned === null || partition === undefined) return;
    const fresh: string[] = [];
    for (const e of events) {
      const id = e.device.id;
      this.partitionOf.set(id, partition);
      if (!this.rostered.has(id) && this.evaluator.has(id)) {
        this.rostered.add(id);
        fresh.push(id);
      }
    }
    if (fresh.length > 0) await this.options.checkpoints.addToRoster(partition, [...new Set(fresh)]);
  }

  /** Timers (for:, keep_firing_for:, absence, silence) and the shared inhibitors. */
  tick(): Promise<void> {
    return this.serial(async () => {
      if (this.toAdopt.size > 0) await this.adoptPending();
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
