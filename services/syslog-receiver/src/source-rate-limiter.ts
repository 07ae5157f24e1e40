/**
 * A token bucket per source address (`rateLimit.messagesPerSecond`, `rateLimit.burst`).
 * UDP asks `tryTake` per datagram and drops what it refuses; TCP/TLS asks `take(n)` per chunk,
 * goes into debt, and waits the returned delay before reading more (slowed down, not dropped).
 * At most `maxSources` buckets are kept; the least recently refilled one is evicted, which is
 * harmless: a new bucket starts full, i.e. an evicted quiet source is simply forgiven.
 */
interface Bucket {
  tokens: number;
  at: number;
}

export class SourceRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly maxSources = 100_000,
  ) {}

  get unlimited(): boolean {
    return this.perSecond <= 0;
  }

  /** Takes one token if there is one. */
  tryTake(source: string, now: number): boolean {
    if (this.perSecond <= 0) return true;
    const b = this.refill(source, now);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Takes n tokens, going into debt if needed; returns ms to wait until the debt is paid. */
  take(source: string, n: number, now: number): number {
    if (this.perSecond <= 0) return 0;
    const b = this.refill(source, now);
    b.tokens -= n;
    return b.tokens >= 0 ? 0 : Math.ceil((-b.tokens / this.perSecond) * 1000);
  }

  private refill(source: string, now: number): Bucket {
    let b = this.buckets.get(source);
    if (!b) {
      if (this.buckets.size >= this.maxSources) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
      b = { tokens: this.burst, at: now };
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
