import { systemClock, type Clock } from './clock';

/** The part of a pino Logger this needs. */
export interface WarnSink {
  warn(fields: Record<string, unknown>, msg: string): void;
}

export interface RateLimitedLogOptions {
  /** Length of one window per source; the summary says "in the last N s". Default 60 000. */
  intervalMs?: number;
  /** Sources tracked at once; events from further sources go to one overflow summary. Default 1000. */
  maxSources?: number;
  /** Distinct reasons counted per source; the rest are counted as `other`. Default 16. */
  maxReasonsPerSource?: number;
  clock?: Clock;
}

interface Window {
  start: number;
  suppressed: Map<string, number>;
}

interface OverflowWindow extends Window {
  events: number;
}

const OTHER_REASON = 'other';

/**
 * "Log once per source per interval" for bad input at run time (design.md §6): the first
 * occurrence from a source is logged in full; later ones in the same window are only counted,
 * per reason, and one summary line per reason is logged when the window ends.
 *
 * Memory is bounded: at most `maxSources` sources are tracked. Rather than evicting the oldest
 * (which under a flood of spoofed source addresses would log every packet twice), sources past
 * the cap share one overflow window whose summary counts their events by reason.
 *
 * Windows close lazily on the next `log()` and on `sweep()`; `start()` runs `sweep()` on an
 * unref'd timer so summaries appear even when the source goes quiet. Map insertion order is
 * window-start order, so a sweep stops at the first window still open.
 */
export class RateLimitedLog {
  private readonly intervalMs: number;
  private readonly maxSources: number;
  private readonly maxReasons: number;
  private readonly clock: Clock;
  private readonly windows = new Map<string, Window>();
  private overflow: OverflowWindow | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: WarnSink,
    options: RateLimitedLogOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.maxSources = options.maxSources ?? 1000;
    this.maxReasons = options.maxReasonsPerSource ?? 16;
    this.clock = options.clock ?? systemClock;
    if (!(this.intervalMs > 0) || !(this.maxSources > 0) || !(this.maxReasons > 0)) {
      throw new RangeError('RateLimitedLog: intervalMs, maxSources and maxReasonsPerSource must be positive');
    }
  }

  /**
   * Records one occurrence of `reason` from `source` (a device id or an address:port). Logs it
   * with `fields` if it is the first from that source in the current window.
   */
  log(source: string, reason: string, fields: Record<string, unknown> = {}, msg?: string): void {
    const now = this.clock.now();
    this.sweep(now);
    const window = this.windows.get(source);
    if (window) {
      this.count(window, reason);
      return;
    }
    if (this.windows.size >= this.maxSources) {
      this.overflow ??= { start: now, suppressed: new Map(), events: 0 };
      this.overflow.events++;
      this.count(this.overflow, reason);
      return;
    }
    this.windows.set(source, { start: now, suppressed: new Map() });
    this.sink.warn({ ...fields, source, reason }, msg ?? `${reason} from ${source}`);
  }

  /** Closes every window that has ended, logging its summaries. */
  sweep(now: number = this.clock.now()): void {
    for (const [source, window] of this.windows) {
      if (now - window.start < this.intervalMs) break;
      this.windows.delete(source);
      this.summarise(source, window);
    }
    if (this.overflow && now - this.overflow.start >= this.intervalMs) this.closeOverflow();
  }

  /** Logs every pending summary now (at shutdown). */
  flush(): void {
    for (const [source, window] of this.windows) this.summarise(source, window);
    this.windows.clear();
    if (this.overflow) this.closeOverflow();
  }

  /** Number of sources currently tracked (bounded by maxSources). */
  get trackedSources(): number {
    return this.windows.size;
  }

  start(tickMs: number = Math.min(this.intervalMs, 5000)): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sweep(), tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }

  private count(window: Window, reason: string): void {
    const key = window.suppressed.has(reason) || window.suppressed.size < this.maxReasons ? reason : OTHER_REASON;
    window.suppressed.set(key, (window.suppressed.get(key) ?? 0) + 1);
  }

  private summarise(source: string, window: Window): void {
    for (const [reason, n] of window.suppressed) {
      this.sink.warn(
        { source, reason, suppressed: n, intervalMs: this.intervalMs },
        `source ${source}: ${n} more of reason ${reason} in the last ${this.seconds()} s`,
      );
    }
  }

  private closeOverflow(): void {
    const overflow = this.overflow;
    this.overflow = undefined;
    if (!overflow) return;
    const reasons = Object.fromEntries(overflow.suppressed);
    const list = [...overflow.suppressed].map(([r, n]) => `${r}=${n}`).join(', ');
    this.sink.warn(
      { source: 'overflow', suppressed: overflow.events, reasons, maxSources: this.maxSources, intervalMs: this.intervalMs },
      `${overflow.events} more from sources beyond the ${this.maxSources} tracked (${list}) in the last ${this.seconds()} s`,
    );
  }

  private seconds(): string {
    return String(Math.round(this.intervalMs / 100) / 10);
  }
}
