import type { Subscription } from '@sonde/bus/event-bus';

export interface RetryingSubscriptionOptions {
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Called after each failed attempt (log it); `nextMs` is the wait before the next one. */
  onFailure?: (err: unknown, attempt: number, nextMs: number) => void;
  onSubscribed?: (attempts: number) => void;
  /** tests: the timer */
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

/**
 * The error's name and message, then the root causes it wraps (Error.cause, AggregateError's
 * errors), each once: @platformatic/kafka reports an unreachable broker as "Listing topics
 * failed." around one ECONNREFUSED per broker connection, and the operator needs the latter.
 */
export function describeError(err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const head = `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`;
  const roots: string[] = [];
  const seen = new Set<unknown>([e]);
  const inner = (x: Error): Error[] => [...(x instanceof AggregateError ? (x.errors as unknown[]) : []), x.cause].filter((i): i is Error => i instanceof Error);
  const visit = (x: Error, depth: number): void => {
    if (seen.has(x) || depth > 8) return;
    seen.add(x);
    const below = inner(x);
    if (below.length === 0) {
      if (x.message && !head.includes(x.message) && !roots.includes(x.message)) roots.push(x.message);
    } else for (const i of below) visit(i, depth + 1);
  };
  for (const i of inner(e)) visit(i, 1);
  if (roots.length === 0) return head;
  const shown = roots.slice(0, 3).join('; ');
  return `${head}${head.endsWith('.') ? '' : ':'} ${shown}${roots.length > 3 ? ` (+${roots.length - 3} more)` : ''}`;
}

/**
 * Subscribes to the bus, and keeps trying while the broker cannot be reached, instead of
 * failing the process's boot: a writer started before Kafka (or during an outage) waits, not
 * readiness-ok, saying why (`status()` → /health/ready), and starts consuming once the broker
 * answers. Backoff doubles from initialBackoffMs to maxBackoffMs.
 */
export class RetryingSubscription {
  private subscription: Subscription | undefined;
  private attempts = 0;
  private lastError: string | undefined;
  private nextMs = 0;
  private timer: { cancel(): void } | undefined;
  private closed = false;

  constructor(
    private readonly subscribe: () => Promise<Subscription>,
    private readonly options: RetryingSubscriptionOptions,
  ) {}

  /** Starts the first attempt; resolves once it settled (subscribed, or failed and rescheduled). */
  start(): Promise<void> {
    return this.attempt();
  }

  get subscribed(): boolean {
    return this.subscription !== undefined;
  }

  /** Not ready until subscribed; the detail names the broker problem and the next retry. */
  status(): { ok: boolean; detail: string } {
    if (this.subscription) return { ok: true, detail: 'consuming' };
    if (this.closed) return { ok: false, detail: 'closed' };
    if (this.lastError === undefined) return { ok: false, detail: 'subscribing to the bus' };
    return {
      ok: false,
      detail: `not consuming: the bus is unreachable (${this.lastError}); attempt ${this.attempts} failed, retrying in ${Math.round(this.nextMs / 1000)} s`,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timer?.cancel();
    await this.subscription?.close();
  }

  private async attempt(): Promise<void> {
    if (this.closed) return;
    this.attempts++;
    try {
      const sub = await this.subscribe();
      if (this.closed) {
        await sub.close();
        return;
      }
      this.subscription = sub;
      this.options.onSubscribed?.(this.attempts);
    } catch (err) {
      this.lastError = describeError(err);
      this.nextMs = Math.min(this.options.maxBackoffMs, this.options.initialBackoffMs * 2 ** Math.min(this.attempts - 1, 30));
      this.options.onFailure?.(err, this.attempts, this.nextMs);
      const setTimer =
        this.options.setTimer ??
        ((fn: () => void, ms: number) => {
          const t = setTimeout(fn, ms);
          return { cancel: () => clearTimeout(t) };
        });
      this.timer = setTimer(() => void this.attempt(), this.nextMs);
    }
  }
}
