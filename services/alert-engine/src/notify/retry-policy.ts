/** Retry settings of one notification (alertEngine.notify.retry). */
export interface RetryPolicy {
  initialBackoff: number;
  maxBackoff: number;
  giveUpAfter: number;
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and
 * Jitter"): uniform in [0, min(max, initial·2^attempt)], so replicas retrying after one
 * outage do not come back in lockstep. `random` is injectable for tests.
 */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'initialBackoff' | 'maxBackoff'>, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxBackoff, policy.initialBackoff * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}
