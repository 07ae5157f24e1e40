import fc from 'fast-check';
import { backoffDelay, RetriesExhausted, withRetries } from './retry';

const policy = { retries: 3, initialBackoffMs: 100, maxBackoffMs: 1000 };

describe('withRetries', () => {
  it('gives up after retries + 1 transient failures, sleeping with growing backoff', async () => {
    const sleeps: number[] = [];
    let attempts = 0;
    const run = withRetries(
      async () => {
        attempts++;
        throw new Error('down');
      },
      policy,
      { isTransient: () => true, sleep: async (ms) => void sleeps.push(ms), random: () => 1 },
    );
    await expect(run).rejects.toBeInstanceOf(RetriesExhausted);
    await expect(run).rejects.toMatchObject({ attempts: 4 });
    expect(attempts).toBe(4);
    expect(sleeps).toEqual([100, 200, 400]);
  });

  it('rethrows a non-transient failure at once', async () => {
    let attempts = 0;
    const boom = new Error('syntax');
    await expect(
      withRetries(async () => { attempts++; throw boom; }, policy, { isTransient: () => false, sleep: async () => {} }),
    ).rejects.toBe(boom);
    expect(attempts).toBe(1);
  });

  it('returns the first success', async () => {
    let attempts = 0;
    const value = await withRetries(
      async () => { if (++attempts < 3) throw new Error('flaky'); return 'ok'; },
      policy,
      { isTransient: () => true, sleep: async () => {} },
    );
    expect([value, attempts]).toEqual(['ok', 3]);
  });

  it('keeps every delay within [exp/2, exp] and under the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 1, noNaN: true }), (retry, r) => {
        const exp = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.min(retry - 1, 30));
        const d = backoffDelay(policy, retry, () => r);
        expect(d).toBeGreaterThanOrEqual(Math.floor(exp / 2));
        expect(d).toBeLessThanOrEqual(policy.maxBackoffMs);
      }),
    );
  });
});
