import type { Clock } from '@sonde/telemetry/clock';

export interface StormGuardOptions {
  /** sustained traps per second one source may send */
  perSourceRate: number;
  perSourceBurst: number;
  /** sustained traps per second over all sources */
  globalRate: number;
  globalBurst: number;
  /** sources tracked at once; the least recently seen is forgotten first */
  maxSources: number;
}

interface Bucket {
  tokens: number;
  at: number;
  received: number;
  dropped: number;
}

export interface SourceSummary {
  source: string;
  received: number;
  dropped: number;
}

/**
 * Storm protection (design.md §9 "trap storms that stall the receiver"): a token bucket per
 * source and one over all. A flooding source spends its own bucket and is dropped; the others
 * keep theirs. Memory is bounded by `maxSources` (spoofed sources evict each other, and the
 * global bucket still caps the total). Drops are counted per source and drained by `summary()`.
 */
export class StormGuard {
  private readonly buckets = new Map<string, Bucket>();
  private global: { tokens: number; at: number };
  private overflowDropped = 0;

  constructor(
    private readonly options: StormGuardOptions,
    private readonly clock: Clock,
  ) {
    this.global = { tokens: options.globalBurst, at: clock.now() };
  }

  get trackedSources(): number {
    return this.buckets.size;
  }

  /** undefined when admitted, else the drop reason. */
  admit(source: string): 'source-rate' | 'global-rate' | undefined {
    const now = this.clock.now();
    let b = this.buckets.get(source);
    if (!b) {
      if (this.buckets.size >= this.options.maxSources) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) {
          const gone = this.buckets.get(oldest.value);
          if (gone) this.overflowDropped += gone.dropped;
          this.buckets.delete(oldest.value);
        }
      }
      b = { tokens: this.options.perSourceBurst, at: now, received: 0, dropped: 0 };
      this.buckets.set(source, b);
    }
    b.received++;
    b.tokens = Math.min(this.options.perSourceBurst, b.tokens + ((now - b.at) / 1000) * this.options.perSourceRate);
    b.at = now;
    if (b.tokens < 1) {
      b.dropped++;
      return 'source-rate';
    }
    const g = this.global;
    g.tokens = Math.min(this.options.globalBurst, g.tokens + ((now - g.at) / 1000) * this.options.globalRate);
    g.at = now;
    if (g.tokens < 1) {
      b.dropped++;
      return 'global-rate';
    }
    b.tokens -= 1;
    g.tokens -= 1;
    return undefined;
  }

  /** Sources that had drops since the last call ("source X sent N traps, M dropped"), then resets. */
  summary(): SourceSummary[] {
    const out: SourceSummary[] = [];
    for (const [source, b] of this.buckets) {
      if (b.dropped > 0) out.push({ source, received: b.received, dropped: b.dropped });
      b.received = 0;
      b.dropped = 0;
    }
    if (this.overflowDropped > 0) out.push({ source: '(forgotten sources)', received: this.overflowDropped, dropped: this.overflowDropped });
    this.overflowDropped = 0;
    return out;
  }
}
