import type { Subscription } from '@sonde/bus/event-bus';
import { RetryingSubscription } from './retrying-subscription';

/** A timer the test fires by hand: no wall clock. */
function manualTimer() {
  const pending: { fn: () => void; ms: number }[] = [];
  return {
    pending,
    setTimer: (fn: () => void, ms: number) => {
      const entry = { fn, ms };
      pending.push(entry);
      return { cancel: () => pending.splice(pending.indexOf(entry), 1) };
    },
    fire: async () => {
      const next = pending.shift();
      next?.fn();
      await new Promise((r) => setImmediate(r));
    },
  };
}

const subscription = (): Subscription & { closed: boolean } => {
  const s = { closed: false, close: async () => void (s.closed = true) };
  return s as unknown as Subscription & { closed: boolean };
};

describe('RetryingSubscription', () => {
  it('keeps retrying an unreachable broker with doubling backoff, not ready and saying why, then consumes', async () => {
    const timer = manualTimer();
    let failures = 3;
    const sub = subscription();
    const retrying = new RetryingSubscription(
      async () => {
        if (failures-- > 0) throw Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9'), { name: 'KafkaJSNumberOfRetriesExceeded' });
        return sub;
      },
      { initialBackoffMs: 1000, maxBackoffMs: 3000, setTimer: timer.setTimer },
    );
    expect(retrying.status()).toEqual({ ok: false, detail: 'subscribing to the bus' });
    await retrying.start();
    expect(retrying.status()).toEqual({
      ok: false,
      detail: 'not consuming: the bus is unreachable (KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED 127.0.0.1:9); attempt 1 failed, retrying in 1 s',
    });
    await timer.fire();
    await timer.fire();
    expect(retrying.status().detail).toContain('attempt 3 failed, retrying in 3 s');
    expect(timer.pending.map((p) => p.ms)).toEqual([3000]);
    await timer.fire();
    expect(retrying.status()).toEqual({ ok: true, detail: 'consuming' });
    await retrying.close();
    expect(sub.closed).toBe(true);
  });

  it('close() stops the retries, and a subscription that arrives after close is closed at once', async () => {
    const timer = manualTimer();
    const retrying = new RetryingSubscription(() => Promise.reject(new Error('down')), { initialBackoffMs: 10, maxBackoffMs: 10, setTimer: timer.setTimer });
    await retrying.start();
    await retrying.close();
    expect(timer.pending).toEqual([]);
    expect(retrying.status()).toEqual({ ok: false, detail: 'closed' });

    const late = subscription();
    let resolve: (s: Subscription) => void = () => undefined;
    const slow = new RetryingSubscription(() => new Promise<Subscription>((r) => (resolve = r)), { initialBackoffMs: 10, maxBackoffMs: 10, setTimer: timer.setTimer });
    const started = slow.start();
    await slow.close();
    resolve(late);
    await started;
    expect(late.closed).toBe(true);
  });
});
