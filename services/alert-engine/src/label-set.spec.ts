import fc from 'fast-check';
import { sameNames, sortedNames } from './label-set';

describe('label-set', () => {
  it('sortedNames orders names as Object.keys(labels).sort() does (integer-like names and any code units included)', () => {
    const name = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.integer({ min: 0, max: 20 }).map(String));
    fc.assert(
      fc.property(fc.dictionary(name, fc.string(), { maxKeys: 12 }), (labels) => {
        expect(sortedNames(labels)).toEqual(Object.keys(labels).sort());
      }),
    );
  });

  it('sameNames is element-wise equality of two name lists', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 3 }), { maxLength: 4 }), fc.array(fc.string({ maxLength: 3 }), { maxLength: 4 }), (a, b) => {
        expect(sameNames(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
        expect(sameNames(a, [...a])).toBe(true);
      }),
    );
  });
});
