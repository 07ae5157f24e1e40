import fc from 'fast-check';
import { indexDiff, lostCount } from './index-diff';

describe('indexDiff', () => {
  it('publishes what is new, reports what aged out', () => {
    expect(indexDiff([5, 6, 7], undefined)).toEqual({ fresh: [5, 6, 7], lost: [], restarted: false, last: 7 });
    expect(indexDiff([5, 6, 7, 8], 6)).toEqual({ fresh: [7, 8], lost: [], restarted: false, last: 8 });
    // down for a while: the agent keeps 3 buckets, 4..9 aged out
    expect(indexDiff([10, 11, 12], 3)).toEqual({ fresh: [10, 11, 12], lost: [{ first: 4, last: 9 }], restarted: false, last: 12 });
    expect(indexDiff([], 3)).toEqual({ fresh: [], lost: [], restarted: false, last: 3 });
    expect(indexDiff([1, 2], 40)).toEqual({ fresh: [1, 2], lost: [], restarted: true, last: 2 });
  });

  // a ring buffer of `size` slots filled up to `head`, polled at arbitrary heads: across all polls
  // every index 1..finalHead is published exactly once or reported lost exactly once
  it('accounts for every index exactly once across any sequence of polls (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 20 }), (size, steps) => {
        let head = 0;
        let last: number | undefined;
        const published: number[] = [];
        const lost: number[] = [];
        let firstPoll = true;
        let firstHeld = 0;
        for (const step of steps) {
          head += step;
          const held = head === 0 ? [] : Array.from({ length: Math.min(size, head) }, (_, i) => head - i);
          const d = indexDiff(held, last);
          if (firstPoll && held.length > 0) {
            firstHeld = Math.min(...held);
            firstPoll = false;
          }
          expect(d.restarted).toBe(false);
          published.push(...d.fresh);
          for (const r of d.lost) for (let n = r.first; n <= r.last; n++) lost.push(n);
          last = d.last;
        }
        const all = [...published, ...lost].sort((a, b) => a - b);
        const expected = head === 0 ? [] : Array.from({ length: head - firstHeld + 1 }, (_, i) => firstHeld + i);
        expect(all).toEqual(expected);
        expect(new Set(published).size).toBe(published.length);
      }),
    );
  });

  it('never reports fresh indexes at or below the last one, nor lost ones that are held (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 1000 }), { maxLength: 60 }), fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }), (held, last) => {
        const d = indexDiff(held, last);
        if (!d.restarted && last !== undefined) for (const n of d.fresh) expect(n).toBeGreaterThan(last);
        const heldSet = new Set(held);
        for (const r of d.lost) {
          expect(r.first).toBeLessThanOrEqual(r.last);
          for (let n = r.first; n <= r.last; n++) expect(heldSet.has(n)).toBe(false);
        }
        expect(lostCount(d.lost)).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
