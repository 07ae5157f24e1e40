import type { Subscription } from '@sonde/bus/event-bus';
import { describeError } from '@sonde/events/describe-error';

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
