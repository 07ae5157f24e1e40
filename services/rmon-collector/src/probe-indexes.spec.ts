import fc from 'fast-check';
import { parseIndexes, type StoredIndexes } from './probe-indexes';

const index = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const byKey = fc.dictionary(fc.stringMatching(/^[1-9]\d{0,4}$/), index);
const stored: fc.Arbitrary<StoredIndexes> = fc.record({ h: byKey, t: byKey, l: byKey, u: index, w: fc.integer({ min: 0, max: 2 ** 45 }) }, { requiredKeys: ['h', 't', 'l'] });

describe('parseIndexes', () => {
  it('reads back what was stored', () => {
    fc.assert(fc.property(stored, (s) => expect(parseIndexes(JSON.parse(JSON.stringify(s)))).toEqual(s)));
  });

  it('never throws on any JSON, and keeps only non-negative integers', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const out = parseIndexes(v);
        for (const m of [out.h, out.t, out.l]) for (const n of Object.values(m)) expect(Number.isInteger(n) && n >= 0).toBe(true);
        for (const n of [out.u, out.w]) if (n !== undefined) expect(Number.isInteger(n) && n >= 0).toBe(true);
      }),
    );
  });

  it('an entry written before the history cursor (no t, u, w) keeps its indexes', () => {
    expect(parseIndexes({ h: { 1: 7 }, l: { 2: 3 } })).toEqual({ h: { 1: 7 }, t: {}, l: { 2: 3 } });
  });
});
