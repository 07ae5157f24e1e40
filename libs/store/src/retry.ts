/** Exponential backoff with jitter for transient failures. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface RetryHooks {
  /** Whether this failure may succeed if tried again. */
  isTransient(err: unknown): boolean;
  /** Called before each retry (attempt is the one about to start, from 2). */
  onRetry?(err: unknown, attempt: number, delayMs: number): void;
  sleep?(ms: number): Promise<void>;
  random?(): number;
}

export class RetriesExhausted extends Error {
  constructor(
    readonly lastError: unknown,
    readonly attempts: number,
  ) {
    super(`gave up after ${attempts} attempts`, { cause: lastError });
  }
}

/** Delay before retry n (1-based): half fixed, half random ("equal jitter"), capped. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.min(retry - 1, 30));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `op` until it succeeds, fails with a non-transient error (rethrown as is), or has failed
 * transiently `retries + 1` times (RetriesExhausted, carrying the last error and the count).
 */
export async function withRetries<T>(
  op: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks,
): Promise<T> {
  const sleep = hooks.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (err) {
      if (!hooks.isTransient(err)) throw err;
      if (attempt > policy.retries) throw new RetriesExhausted(err, attempt);
      const delay = backoffDelay(policy, attempt, hooks.random);
      hooks.onRetry?.(err, attempt + 1, delay);
      await sleep(delay);
    }
  }
}
