export interface SourceTokenBucketOptions {
  /** sustained units per second one source may send; 0 = unlimited */
  perSourcePerSecond: number;
  perSourceBurst: number;
  /** sustained units per second over all sources (optional second bucket) */
  globalPerSecond?: number;
  globalBurst?: number;
  /** sources tracked at once; the least recently refilled is forgotten first */
  maxSources?: number;
}

/** Which bucket refused a unit. */
export type Refusal = 'source' | 'global';

interface Bucket {
  tokens: number;
  at: number;
  /** since the last summary() */
  received: number;
  dropped: number;
  /** since the bucket was created: feeds the bounded per-source drop gauge */
  droppedTotal: number;
}

export interface SourceSummary {
  source: string;
  received: number;
  dropped: number;
}

/** Label value for drops of sources outside the top list (bounded cardinality). */
export const OTHER_SOURCES = 'other';

/**
 * The one per-source token bucket of every collector (design.md §9 "trap storms that stall the
 * receiver"; syslog's per-source rate): a flooding source spends only its own bucket, the others
 * keep theirs; an optional global bucket caps the total.
 *
 * - `tryTake` (datagrams): one token or a refusal — the caller drops and counts. Costs one Map
 *   lookup and a few float operations, so the reject path is as cheap as reading the datagram.
 * - `take(n)` (streams): goes into debt and returns how long to wait; the caller pauses reading
 *   (TCP flow control slows the sender; nothing is dropped).
 *
 * Memory is bounded by `maxSources` (spoofed sources evict each other; an evicted source starts
 * again with a full bucket, i.e. is forgiven, and its drop counts move to `other`). Map order is
 * refill order, so eviction takes the stalest bucket.
 */
export class SourceTokenBucket {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly maxSources: number;
  private readonly global: { tokens: number; at: number; perSecond: number; burst: number } | undefined;
  private forgottenDropped = 0;
  private forgottenDroppedTotal = 0;
  private readonly drainingBelow: number;
  /**
   * After `tryTake`: whether that source's bucket has lost more than a tenth of its burst, i.e.
   * it sends faster than its rate and will be refused soon (or was). Read right after the call,
   * it lets a receiver act on a flood before the first refusal (UdpSourceIsolation) at the cost
   * of one comparison, not another lookup.
   */
  lastDraining = false;

  constructor(options: SourceTokenBucketOptions, now = 0) {
    this.perSecond = options.perSourcePerSecond;
    this.burst = options.perSourceBurst;
    this.maxSources = options.maxSources ?? 10_000;
    this.drainingBelow = this.burst * 0.9;
    if (options.globalPerSecond && options.globalPerSecond > 0) {
      const burst = options.globalBurst ?? options.globalPerSecond;
      this.global = { tokens: burst, at: now, perSecond: options.globalPerSecond, burst };
    }
  }

  get unlimited(): boolean {
    return this.perSecond <= 0 && !this.global;
  }

  get trackedSources(): number {
    return this.buckets.size;
  }

  /** Takes one token for `source`, or says which bucket refused. */
  tryTake(source: string, now: number): Refusal | undefined {
    if (this.unlimited) return undefined;
    const b = this.refill(source, now);
    b.received++;
    if (this.perSecond > 0 && b.tokens < 1) {
      this.lastDraining = true;
      b.dropped++;
      b.droppedTotal++;
      return 'source';
    }
    const g = this.global;
    if (g) {
      if (now > g.at) {
        g.tokens = Math.min(g.burst, g.tokens + ((now - g.at) * g.perSecond) / 1000);
        g.at = now;
      }
      if (g.tokens < 1) {
        this.lastDraining = b.tokens - 1 < this.drainingBelow;
        b.dropped++;
        b.droppedTotal++;
        return 'global';
      }
      g.tokens -= 1;
    }
    b.tokens -= 1;
    this.lastDraining = this.perSecond > 0 && b.tokens < this.drainingBelow;
    return undefined;
  }

  /** Takes n tokens, going into debt if needed; returns ms to wait until the debt is paid. */
  take(source: string, n: number, now: number): number {
    if (this.perSecond <= 0) return 0;
    const b = this.refill(source, now);
    b.received += n;
    b.tokens -= n;
    return b.tokens >= 0 ? 0 : Math.ceil((-b.tokens / this.perSecond) * 1000);
  }

  /** Sources that had drops since the last call ("source X sent N, M dropped"), then resets. */
  summary(): SourceSummary[] {
    const out: SourceSummary[] = [];
    for (const [source, b] of this.buckets) {
      if (b.dropped > 0) out.push({ source, received: b.received, dropped: b.dropped });
      b.received = 0;
      b.dropped = 0;
    }
    if (this.forgottenDropped > 0) out.push({ source: '(forgotten sources)', received: this.forgottenDropped, dropped: this.forgottenDropped });
    this.forgottenDropped = 0;
    return out;
  }

  /**
   * Drops since start by source: the `top` sources with the most, and `other` for the rest
   * (evicted sources included), so a per-source label stays bounded (issue 11 item 3).
   * Runs at scrape time only.
   */
  droppedBySource(top = 10): Array<{ source: string; dropped: number }> {
    const all: Array<{ source: string; dropped: number }> = [];
    let total = this.forgottenDroppedTotal;
    for (const [source, b] of this.buckets) {
      if (b.droppedTotal === 0) continue;
      all.push({ source, dropped: b.droppedTotal });
      total += b.droppedTotal;
    }
    all.sort((x, y) => y.dropped - x.dropped);
    const head = all.slice(0, top);
    const rest = total - head.reduce((n, s) => n + s.dropped, 0);
    if (rest > 0) head.push({ source: OTHER_SOURCES, dropped: rest });
    return head;
  }

  private refill(source: string, now: number): Bucket {
    let b = this.buckets.get(source);
    if (!b) {
      if (this.buckets.size >= this.maxSources) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) {
          const gone = this.buckets.get(oldest.value);
          if (gone) {
            this.forgottenDropped += gone.dropped;
            this.forgottenDroppedTotal += gone.droppedTotal;
          }
          this.buckets.delete(oldest.value);
        }
      }
      b = { tokens: this.burst, at: now, received: 0, dropped: 0, droppedTotal: 0 };
      this.buckets.set(source, b);
      return b;
    }
    if (now > b.at) {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) * this.perSecond) / 1000);
      b.at = now;
      // keep Map order = refill order so eviction takes the stalest bucket
      this.buckets.delete(source);
      this.buckets.set(source, b);
    }
    return b;
  }
}
