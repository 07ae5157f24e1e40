import { createHash } from 'node:crypto';

export interface SchedulableTarget {
  device: { id: string };
  intervalMs: number;
}

export interface CycleInfo {
  /** When the cycle was due (without jitter). */
  due: number;
  /** Cycles skipped since this target last ran (slow device, or the process fell behind). */
  skipped: number;
}

export interface PollSchedulerOptions<T> {
  run(target: T, info: CycleInfo): Promise<void>;
  /** A cycle not started: `busy` = the previous one still runs; `behind` = timers fired too late. */
  onSkip?(target: T, reason: 'busy' | 'behind'): void;
  onLate?(target: T, lateMs: number): void;
  jitter: number;
  lateAfterMs: number;
  now?: () => number;
  random?: () => number;
}

interface Slot<T> {
  target: T;
  due: number;
  running: Promise<void> | undefined;
  timer: NodeJS.Timeout | undefined;
  skipped: number;
  /** Whether a cycle of this slot has started since the target was added. */
  ran: boolean;
}

/**
 * Fixed-rate schedule per target: each device gets a stable phase inside its interval (hash of
 * its id, so 1 000 devices on 60 s spread evenly and keep their slots across restarts) plus a
 * small random jitter per cycle. A cycle whose previous one is still running is skipped and
 * counted — never queued — so a slow device cannot pile up work; a process that fell behind
 * (blocked event loop) skips the missed slots instead of bursting. A target taken over from
 * another replica whose last poll is overdue runs at once (`runFirstNow`), then keeps its phase.
 */
export class PollScheduler<T extends SchedulableTarget> {
  private readonly slots = new Map<string, Slot<T>>();
  private readonly now: () => number;
  private readonly random: () => number;
  private stopped = false;

  constructor(private readonly options: PollSchedulerOptions<T>) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** Adds, updates (new interval/credential) and removes targets; running cycles finish. */
  set(targets: readonly T[]): void {
    const keep = new Set<string>();
    for (const target of targets) {
      keep.add(target.device.id);
      const slot = this.slots.get(target.device.id);
      if (slot) {
        const intervalChanged = slot.target.intervalMs !== target.intervalMs;
        slot.target = target;
        if (intervalChanged) this.arm(slot, this.firstDue(target));
      } else {
        const s: Slot<T> = { target, due: 0, running: undefined, timer: undefined, skipped: 0, ran: false };
        this.slots.set(target.device.id, s);
        this.arm(s, this.firstDue(target));
      }
    }
    for (const [id, slot] of this.slots) {
      if (keep.has(id)) continue;
      clearTimeout(slot.timer);
      this.slots.delete(id);
    }
  }

  /**
   * Runs the first cycle of a newly added target now rather than at its next slot — for a device
   * taken over from a replica that died, whose last poll is already more than an interval old
   * (waiting for the slot would add up to one interval to the failover). Its next cycle is then
   * its first slot at least half an interval away, so the phase is kept and two polls are never
   * closer than that. False (nothing done) if the target is unknown, stopped, or already ran.
   */
  runFirstNow(deviceId: string): boolean {
    const slot = this.slots.get(deviceId);
    if (!slot || this.stopped || slot.ran || slot.running) return false;
    const now = this.now();
    clearTimeout(slot.timer);
    slot.due = now;
    this.launch(slot);
    this.arm(slot, this.slotAtOrAfter(slot.target, now + slot.target.intervalMs / 2));
    return true;
  }

  get size(): number {
    return this.slots.size;
  }

  get running(): number {
    let n = 0;
    for (const s of this.slots.values()) if (s.running) n++;
    return n;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const running: Promise<void>[] = [];
    for (const slot of this.slots.values()) {
      clearTimeout(slot.timer);
      if (slot.running) running.push(slot.running);
    }
    await Promise.allSettled(running);
  }

  /** Stable phase in [0, interval): same device, same slot, on every replica and restart. */
  phaseOf(target: T): number {
    const h = createHash('sha1').update(target.device.id).digest().readUInt32BE(0);
    return h % target.intervalMs;
  }

  private firstDue(target: T): number {
    return this.slotAtOrAfter(target, this.now());
  }

  /** The first instant ≡ phase (mod interval) at or after `from`. */
  private slotAtOrAfter(target: T, from: number): number {
    const interval = target.intervalMs;
    const phase = this.phaseOf(target);
    return from + ((phase - (from % interval) + interval) % interval);
  }

  private arm(slot: Slot<T>, due: number): void {
    if (this.stopped) return;
    clearTimeout(slot.timer);
    slot.due = due;
    const fireAt = due + this.random() * this.options.jitter * slot.target.intervalMs;
    slot.timer = setTimeout(() => this.fire(slot, fireAt), Math.max(0, fireAt - this.now()));
    slot.timer.unref();
  }

  private fire(slot: Slot<T>, fireAt: number): void {
    if (this.stopped || this.slots.get(slot.target.device.id) !== slot) return;
    const now = this.now();
    const lateMs = now - fireAt;
    if (lateMs > this.options.lateAfterMs) this.options.onLate?.(slot.target, lateMs);
    if (slot.running) {
      slot.skipped++;
      this.options.onSkip?.(slot.target, 'busy');
    } else {
      this.launch(slot);
    }
    const interval = slot.target.intervalMs;
    let next = slot.due + interval;
    while (next <= now) {
      next += interval;
      slot.skipped++;
      this.options.onSkip?.(slot.target, 'behind');
    }
    this.arm(slot, next);
  }

  private launch(slot: Slot<T>): void {
    const info: CycleInfo = { due: slot.due, skipped: slot.skipped };
    slot.skipped = 0;
    slot.ran = true;
    const target = slot.target;
    slot.running = this.options
      .run(target, info)
      .catch(() => undefined) // run() reports its own errors; the schedule must go on
      .finally(() => {
        slot.running = undefined;
      });
  }
}
