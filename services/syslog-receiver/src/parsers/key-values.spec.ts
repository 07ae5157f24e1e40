import fc from 'fast-check';
import { parseKeyValues } from './key-values';

/** parseKeyValues before the allocation-free key scan (the reference it must keep matching). */
function reference(s: string, max = 512): Record<string, string> | undefined {
  const isKey = (i: number, end: number): boolean => {
    for (let j = i; j < end; j++) {
      const c = s.charCodeAt(j);
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) continue;
      if (j > i && ((c >= 48 && c <= 57) || c === 46 || c === 45)) continue;
      return false;
    }
    return true;
  };
  const out: Record<string, string> = {};
  let i = 0;
  let count = 0;
  const n = s.length;
  while (i < n && count < max) {
    while (s.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    const eq = s.indexOf('=', i);
    if (eq <= i) return count ? out : undefined;
    const key = s.slice(i, eq);
    if (!isKey(i, eq)) return count ? out : undefined;
    i = eq + 1;
    let value: string;
    if (s.charCodeAt(i) === 34) {
      let j = i + 1;
      let v = '';
      let start = j;
      while (j < n && s.charCodeAt(j) !== 34) {
        if (s.charCodeAt(j) === 92 && j + 1 < n) {
          v += s.slice(start, j) + s[j + 1];
          j += 2;
          start = j;
        } else j++;
      }
      value = v + s.slice(start, j);
      i = j + 1;
    } else {
      const sp = s.indexOf(' ', i);
      const end = sp < 0 ? n : sp;
      value = s.slice(i, end);
      i = end;
    }
    if (key !== '__proto__') out[key] = value;
    count++;
  }
  return count ? out : undefined;
}

describe('parseKeyValues', () => {
  it('returns what the reference implementation returns, on key=value-ish text', () => {
    const piece = fc.oneof(
      fc.constantFrom('a', 'devid', 'x.y-z_1', '_k', '1k', '=', ' ', '  ', '"', '\\"', '\\', 'v', '__proto__', ':', 'é', '-', '.'),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }).map((a) => a.join('')), fc.integer({ min: 1, max: 4 }), (s, max) => {
        expect(parseKeyValues(s, max)).toEqual(reference(s, max));
        expect(parseKeyValues(s)).toEqual(reference(s));
      }),
      { numRuns: 3000 },
    );
  });
});
