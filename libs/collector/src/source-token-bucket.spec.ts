import fc from 'fast-check';
import { OTHER_SOURCES, SourceTokenBucket } from './source-token-bucket';

const bucket = (perSourcePerSecond: number, perSourceBurst: number, more: Partial<ConstructorParameters<typeof SourceTokenBucket>[0]> = {}) =>
  new SourceTokenBucket({ perSourcePerSecond, perSourceBurst, ...more });

describe('SourceTokenBucket', () => {
  it('allows a burst, then the rate, per source', () => {
    const l = bucket(10, 5);
    const t0 = 1_000_000;
    expect(Array.from({ length: 8 }, () => l.tryTake('a', t0)).filter((r) => r === undefined)).toHaveLength(5);
    expect(l.tryTake('b', t0)).toBeUndefined(); // other sources are not affected
    expect(l.tryTake('a', t0 + 100)).toBeUndefined(); // 100 ms at 10/s = 1 token
    expect(l.tryTake('a', t0 + 100)).toBe('source');
  });

  it('lastDraining: set once a source has used more than a tenth of its burst beyond its rate', () => {
    const l = bucket(10, 100);
    for (let i = 0; i < 10; i++) l.tryTake('a', 0);
    expect(l.lastDraining).toBe(false);
    l.tryTake('a', 0);
    expect(l.lastDraining).toBe(true);
    l.tryTake('b', 0); // another source's bucket is full
    expect(l.lastDraining).toBe(false);
    l.tryTake('a', 2000); // refilled
    expect(l.lastDraining).toBe(false);
  });

  it('TCP debt: take(n) returns how long to wait until the bucket is back to zero', () => {
    const l = bucket(100, 10);
    expect(l.take('a', 10, 0)).toBe(0);
    expect(l.take('a', 50, 0)).toBe(500);
    expect(l.take('a', 0, 500)).toBe(0);
  });

  it('never admits more than burst + rate × elapsed (any arrival pattern)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 100 }), fc.array(fc.nat(50), { maxLength: 300 }), (rate, burst, gaps) => {
        const l = bucket(rate, burst);
        let now = 0;
        let admitted = 0;
        for (const g of gaps) {
          now += g;
          if (l.tryTake('s', now) === undefined) admitted++;
        }
        expect(admitted).toBeLessThanOrEqual(burst + Math.floor((rate * now) / 1000) + 1);
      }),
    );
  });

  it('is unlimited at rate 0 and keeps at most maxSources buckets', () => {
    expect(bucket(0, 1).tryTake('a', 0)).toBeUndefined();
    const l = bucket(1, 1, { maxSources: 2 });
    l.tryTake('a', 0);
    l.tryTake('b', 0);
    l.tryTake('c', 0); // evicts a: it starts again with a full bucket
    expect(l.trackedSources).toBe(2);
    expect(l.tryTake('a', 0)).toBeUndefined();
  });

  it('a global bucket caps the total; drops are summarised per source, forgotten ones together', () => {
    const l = bucket(10, 10, { globalPerSecond: 15, globalBurst: 15, maxSources: 2 });
    for (let i = 0; i < 10; i++) expect(l.tryTake('a', 0)).toBeUndefined();
    expect(l.tryTake('a', 0)).toBe('source');
    for (let i = 0; i < 5; i++) expect(l.tryTake('b', 0)).toBeUndefined();
    expect(l.tryTake('b', 0)).toBe('global');
    l.tryTake('c', 0); // a third source: 'a' (the stalest) is forgotten
    expect(l.summary()).toEqual([
      { source: 'b', received: 6, dropped: 1 },
      { source: 'c', received: 1, dropped: 1 },
      { source: '(forgotten sources)', received: 1, dropped: 1 },
    ]);
    expect(l.summary()).toEqual([]);
  });

  it('drops by source: the top sources and `other`, summing to every drop (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.nat(3)), { maxLength: 2000 }), fc.integer({ min: 1, max: 5 }), (arrivals, top) => {
        const l = bucket(1, 2, { maxSources: 20 });
        let now = 0;
        let dropped = 0;
        for (const [src, gap] of arrivals) {
          now += gap;
          if (l.tryTake(`10.0.0.${src}`, now) !== undefined) dropped++;
        }
        const by = l.droppedBySource(top);
        expect(by.filter((s) => s.source !== OTHER_SOURCES).length).toBeLessThanOrEqual(top);
        expect(by.reduce((n, s) => n + s.dropped, 0)).toBe(dropped);
      }),
    );
  });
});
