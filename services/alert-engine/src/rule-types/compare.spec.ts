import fc from 'fast-check';
import { COMPARE, mayHoldInRange, type Comparison } from './compare';

describe('mayHoldInRange', () => {
  it('is false only when no value of the range passes the comparison (NaN included)', () => {
    const op = fc.constantFrom<Comparison>('>', '>=', '<', '<=', '==', '!=');
    const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noDefaultInfinity: false }), fc.constant(Number.NaN));
    fc.assert(
      fc.property(op, fc.array(value, { minLength: 1, maxLength: 6 }), fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double()), (o, values, threshold) => {
        let min = Infinity;
        let max = -Infinity;
        for (const v of values) {
          if (v < min) min = v;
          if (v > max) max = v;
        }
        const some = values.some((v) => COMPARE[o](v, threshold));
        if (!mayHoldInRange(o, min, max, threshold)) expect(some).toBe(false);
        // and it is exact where it can be: with a number among the values, the ordered comparisons decide on min/max alone
        if (o !== '==' && o !== '!=' && values.some((v) => !Number.isNaN(v))) expect(mayHoldInRange(o, min, max, threshold)).toBe(some);
      }),
      { numRuns: 2000 },
    );
  });
});
