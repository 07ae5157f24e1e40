import fc from 'fast-check';
import { compareOids, formatOid, oidStartsWith, parseOid } from './oid-order';

describe('OID order', () => {
  it('parses dotted OIDs, with or without a leading dot', () => {
    expect(parseOid('1.3.6.1.2.1.1.3.0')).toEqual([1, 3, 6, 1, 2, 1, 1, 3, 0]);
    expect(parseOid('.1.3.6')).toEqual([1, 3, 6]);
    expect(parseOid('')).toEqual([]);
  });

  it('names the bad sub-identifier', () => {
    expect(() => parseOid('1.3.x.1')).toThrow('sub-identifier 3 is "x"');
    expect(() => parseOid('1..3')).toThrow('sub-identifier 2');
    expect(() => parseOid('1.4294967296')).toThrow(RangeError);
  });

  it('round-trips any OID and throws only RangeError on any text', () => {
    const oid = fc.array(fc.nat(0xffffffff), { minLength: 1, maxLength: 30 });
    fc.assert(fc.property(oid, (o) => expect(parseOid(formatOid(o))).toEqual(o)));
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          parseOid(s);
        } catch (err) {
          expect(err).toBeInstanceOf(RangeError);
        }
      }),
    );
  });

  it('orders OIDs as GETNEXT walks them', () => {
    const sorted = ['1.3.6.1.2.1.1', '1.3.6.1.2.1.1.1.0', '1.3.6.1.2.1.1.2.0', '1.3.6.1.2.1.1.10.0', '1.3.6.1.2.1.2'];
    const shuffled = [...sorted].reverse().map(parseOid);
    expect(shuffled.sort(compareOids).map(formatOid)).toEqual(sorted);
    expect(oidStartsWith(parseOid('1.3.6.1.2.1.1.1.0'), parseOid('1.3.6.1.2.1.1'))).toBe(true);
    expect(oidStartsWith(parseOid('1.3.6.1.2.1.10'), parseOid('1.3.6.1.2.1.1'))).toBe(false);
  });

  it('is a total order consistent with prefixes', () => {
    const oid = fc.array(fc.nat(20), { maxLength: 8 });
    fc.assert(
      fc.property(oid, oid, (a, b) => {
        expect(Math.sign(compareOids(a, b)) + Math.sign(compareOids(b, a))).toBe(0);
        if (oidStartsWith(b, a) && a.length < b.length) expect(compareOids(a, b)).toBeLessThan(0);
      }),
    );
  });
});
