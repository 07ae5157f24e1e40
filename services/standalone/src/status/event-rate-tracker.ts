import { EVENT_KINDS, type EventKind } from '@sonde/events/event-kind';

export interface KindRate {
  kind: EventKind;
  total: number;
  /** Events per second over the tracker's window. */
  perSecond: number;
}

/**
 * Counts events per kind and gives a per-second rate over a sliding window of one-second
 * buckets. Fed by a bus subscription of `sonde up`; the clock is injectable for tests.
 */
export class EventRateTracker {
  private readonly totals = new Map<EventKind, number>();
  private readonly buckets = new Map<EventKind, number[]>();
  private bucketStart: number;

  constructor(
    private readonly windowSeconds = 10,
    private readonly now: () => number = Date.now,
  ) {
    this.bucketStart = Math.floor(now() / 1000);
    for (const k of EVENT_KINDS) {
      this.totals.set(k, 0);
      this.buckets.set(k, new Array<number>(windowSeconds).fill(0));
    }
  }

  record(kind: EventKind, count = 1): void {
    this.advance();
    this.totals.set(kind, (this.totals.get(kind) ?? 0) + count);
    const b = this.buckets.get(kind);
    if (b) b[b.length - 1] = (b[b.length - 1] ?? 0) + count;
  }

  rates(): KindRate[] {
    this.advance();
    return EVENT_KINDS.map((kind) => {
      const b = this.buckets.get(kind) ?? [];
      // The newest bucket is partial: rate over the complete ones.
      const complete = b.slice(0, -1).reduce((s, n) => s + n, 0);
      return { kind, total: this.totals.get(kind) ?? 0, perSecond: complete / Math.max(1, b.length - 1) };
    });
  }

  private advance(): void {
    const second = Math.floor(this.now() / 1000);
    const steps = Math.min(second - this.bucketStart, this.windowSeconds);
    if (steps <= 0) return;
    for (const b of this.buckets.values()) {
      b.splice(0, steps);
      for (let i = 0; i < steps; i++) b.push(0);
    }
    this.bucketStart = second;
  }
}
