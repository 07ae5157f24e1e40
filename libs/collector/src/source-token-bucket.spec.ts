import fc from 'fast-check';
import { SourceRateLimiter } from './source-rate-limiter';

describe('SourceRateLimiter', () => {
  it('allows a burst, then the rate, per source', () => {
    const l = new SourceRateLimiter(10, 5);
    const t0 = 1_000_000;
    expect(Array.from({ length: 8 }, () => l.tryTake('a', t0)).filter(Boolean)).toHaveLength(5);
    expect(l.tryTake('b', t0)).toBe(true); // other sources are not affected
    expect(l.tryTake('a', t0 + 100)).toBe(true); // 100 ms at 10/s = 1 token
    expect(l.tryTake('a', t0 + 100)).toBe(false);
  });

  it('TCP debt: take(n) returns how long to wait until the bucket is back to zero', () => {
    const l = new SourceRateLimiter(100, 10);
    expect(l.take('a', 10, 0)).toBe(0);
    expect(l.take('a', 50, 0)).toBe(500);
    expect(l.take('a', 0, 500)).toBe(0);
  });

  it('never admits more than burst + rate × elapsed (any arrival pattern)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 100 }), fc.array(fc.nat(50), { maxLength: 300 }), (rate, burst, gaps) => {
        const l = new SourceRateLimiter(rate, burst);
        let now = 0;
        let admitted = 0;
        for (const g of gaps) {
          now += g;
          if (l.tryTake('s', now)) admitted++;
        }
        expect(admitted).toBeLessThanOrEqual(burst + Math.floor((rate * now) / 1000) + 1);
      }),
    );
  });

  it('is unlimited at rate 0 and keeps at most maxSources buckets', () => {
    expect(new SourceRateLimiter(0, 1).tryTake('a', 0)).toBe(true);
    const l = new SourceRateLimiter(1, 1, 2);
    l.tryTake('a', 0);
    l.tryTake('b', 0);
    l.tryTake('c', 0); // evicts a: it starts again with a full bucket
    expect(l.tryTake('a', 0)).toBe(true);
  });
});
