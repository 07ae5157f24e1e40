import fc from 'fast-check';
import { formatNlAddress, parseNlIndex } from './rmon2-index';

const octets = fc.array(fc.nat(255), { maxLength: 16 });
const encode = (a: number[]) => [a.length, ...a];

describe('RMON2 nlHost / nlMatrixSD index (RFC 4502, RFC 2578 §7.7)', () => {
  it('parses what an agent encodes, for hosts and conversations', () => {
    fc.assert(
      fc.property(fc.nat(65535), fc.nat(), fc.nat(65535), octets, octets, (control, timeMark, localIndex, src, dst) => {
        const head = [control, timeMark, localIndex];
        expect(parseNlIndex([...head, ...encode(src)].join('.'), 1)).toEqual({ control, timeMark, localIndex, addresses: [src] });
        expect(parseNlIndex([...head, ...encode(src), ...encode(dst)].join('.'), 2)).toEqual({ control, timeMark, localIndex, addresses: [src, dst] });
      }),
    );
  });

  it('never throws on any text and accepts only a whole, well-formed index', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(fc.nat(300), { maxLength: 12 }).map((a) => a.join('.'))), fc.constantFrom(1 as const, 2 as const), (s, count) => {
        const r = parseNlIndex(s, count);
        if (r) {
          const back = [r.control, r.timeMark, r.localIndex, ...r.addresses.flatMap((a) => [a.length, ...a])].join('.');
          expect(back).toBe(s);
          expect(r.addresses.flat().every((o) => o <= 255)).toBe(true);
        }
      }),
    );
  });

  it('refuses short, long and out-of-range indexes', () => {
    expect(parseNlIndex('1.0.2.4.10.0.1', 1)).toBeUndefined(); // address cut short
    expect(parseNlIndex('1.0.2.4.10.0.1.5.9', 1)).toBeUndefined(); // trailing sub-identifier
    expect(parseNlIndex('1.0.2.1.256', 1)).toBeUndefined(); // not an octet
    expect(parseNlIndex('1.0', 1)).toBeUndefined();
    expect(parseNlIndex('1.0.2.0', 1)).toEqual({ control: 1, timeMark: 0, localIndex: 2, addresses: [[]] });
  });

  it('formats IPv4 dotted, IPv6 in hex groups, anything else as hex pairs', () => {
    expect(formatNlAddress([10, 1, 2, 101])).toBe('10.1.2.101');
    expect(formatNlAddress([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])).toBe('2001:db8:0:0:0:0:0:1');
    expect(formatNlAddress([0, 0x1b, 0x21])).toBe('00:1b:21');
  });
});
