/** The clock and timer the batcher runs on (a manual one in the specs). */
export interface BatcherClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_CLOCK: BatcherClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface FillWaitOptions {
  /** This many rows pending: flush as soon as maxWaitMs allows, without the RESUBMIT_MS wait for stragglers. */
  maxRows: number;
  /** The least time between the starts of two flushes (0: none); a flush starts once it has passed (at once if it has already). */
  maxWaitMs: number;
}

/**
 * The least time between the end of a flush and the start of the next one started by the clock
 * (not by maxRows or drain), at most maxWaitMs: the callers a flush released (the partitions
 * whose batches it covered) commit and hand in their next items within a round trip. When an
 * insert took longer than maxWaitMs, a flush started the moment it ended went without them, and
 * they waited a whole insert for the next: under load the inserts alternated between the busy
 * partitions and the rest, half the rows each (bench/pipeline, 2026-12-03).
 */
export const RESUBMIT_MS = 100;

interface Pending<T> {
  item: T;
  rows: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit with a fill wait: items handed in by concurrent callers (the bus's partition
 * handlers) are flushed together, one flush at a time, so a table gets one insert per flush.
 *
 * A flush starts when `maxWaitMs` has passed since the previous flush started: under load that
 * is one flush per `maxWaitMs` (ClickHouse's "about one insert per second per table"), never
 * more, however many rows are pending (`maxRows` only spares a full flush the RESUBMIT_MS wait);
 * an item arriving after a quiet spell is flushed at once (no added latency at a low rate).
 * Items arriving while a flush runs wait for the next one. What waits is bounded by the callers:
 * each (a bus partition) has one item pending at most, since it awaits `add` before the next.
 * `add` settles when the flush that covered the item did: the caller (the bus) commits only then.
 */
export class FillWaitBatcher<T> {
  private pending: Pending<T>[] = [];
  private pendingRows = 0;
  private flushing = false;
  private draining = false;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private lastFlushEnd = Number.NEGATIVE_INFINITY;
  private timer: unknown = null;

  constructor(
    private readonly options: FillWaitOptions,
    /**
     * Writes the items. `sending()`, called when the writes go out (after the flush's own
     * preparation: a dedup lookup, merging the rows), moves the flush's start there, so the
     * spacing of maxWaitMs holds between what the store receives, not between preparations.
     */
    private readonly flush: (items: T[], sending: () => void) => Promise<void>,
    private readonly clock: BatcherClock = SYSTEM_CLOCK,
  ) {}

  /** Settles when the flush covering `item` settled (rejects with its error). */
  add(item: T, rows: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, rows, resolve, reject });
      this.pendingRows += rows;
      this.schedule();
    });
  }

  /** Items waiting for a flush (not counting the one in progress). */
  get size(): number {
    return this.pending.length;
  }

  /** Shutting down: flush what is pending now, and every later item at once. */
  drain(): void {
    this.draining = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.flushing || this.pending.length === 0) return;
    const spaced = this.lastFlushAt + this.options.maxWaitMs;
    const due = this.pendingRows >= this.options.maxRows ? spaced : Math.max(spaced, this.lastFlushEnd + Math.min(RESUBMIT_MS, this.options.maxWaitMs));
    if (this.draining || this.clock.now() >= due) {
      void this.run();
      return;
    }
    this.timer ??= this.clock.setTimeout(() => {
      this.timer = null;
      this.schedule();
    }, due - this.clock.now());
  }

  private async run(): Promise<void> {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    const taken = this.pending;
    this.pending = [];
    this.pendingRows = 0;
    this.flushing = true;
    this.lastFlushAt = this.clock.now();
    try {
      await this.flush(
        taken.map((p) => p.item),
        () => (this.lastFlushAt = this.clock.now()),
      );
      for (const p of taken) p.resolve();
    } catch (err) {
      for (const p of taken) p.reject(err);
    } finally {
      this.flushing = false;
      this.lastFlushEnd = this.clock.now();
      this.schedule();
    }
  }
}
