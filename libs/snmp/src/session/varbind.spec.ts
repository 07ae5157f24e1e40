import fc from 'fast-check';
import { toVarbind } from './net-snmp-varbind';
import { bytesToBigint, compareOids, hexText, oidInSubtree, printableText, varbindText } from './varbind';

describe('varbind', () => {
  it('property: Counter64 bytes decode to the big-endian value, at most 2^64 − 1', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (n) => {
        const hex = n.toString(16).padStart(16, '0');
        expect(bytesToBigint(Buffer.from(hex, 'hex'))).toBe(n);
        // BER may carry a leading 0x00 (9 bytes) for values with the top bit set
        expect(bytesToBigint(Buffer.concat([Buffer.from([0]), Buffer.from(hex, 'hex')]))).toBe(n);
      }),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 20 }), (b) => expect(bytesToBigint(Buffer.from(b)) <= 2n ** 64n - 1n).toBe(true)));
  });

  it('property: compareOids orders by sub-identifier, consistently with subtree membership', () => {
    const oid = fc.array(fc.nat({ max: 300 }), { minLength: 2, maxLength: 8 }).map((a) => a.join('.'));
    fc.assert(
      fc.property(oid, oid, (a, b) => {
        expect(compareOids(a, b)).toBe(-compareOids(b, a));
        if (oidInSubtree(a, b)) expect(compareOids(a, b)).toBe(-1);
      }),
    );
    // the in-place scan agrees with the obvious split-and-compare definition
    const reference = (x: string, y: string): number => {
      const px = x.split('.').map(Number);
      const py = y.split('.').map(Number);
      for (let i = 0; i < Math.min(px.length, py.length); i++) if (px[i] !== py[i]) return px[i]! < py[i]! ? -1 : 1;
      return px.length === py.length ? 0 : px.length < py.length ? -1 : 1;
    };
    const near = fc.tuple(oid, fc.array(fc.nat({ max: 300 }), { maxLength: 3 })).map(([o, more]) => [o, ...more].join('.'));
    fc.assert(fc.property(near, near, (a, b) => expect(compareOids(a, b)).toBe(reference(a, b))), { numRuns: 5000 });
    fc.assert(fc.property(oid, fc.array(fc.nat({ max: 300 }), { minLength: 1, maxLength: 3 }), (a, more) => {
      const b = [a, ...more].join('.');
      expect(compareOids(a, b)).toBe(-1);
      expect(compareOids(b, a)).toBe(1);
      expect(compareOids(a, a)).toBe(0);
    }));
    expect(compareOids('1.3.6.1.2.1.2.2.1.10.9', '1.3.6.1.2.1.2.2.1.10.10')).toBe(-1);
    expect(oidInSubtree('1.3.6.1.2.1.2', '1.3.6.1.2.1.25.1')).toBe(false);
  });

  it('maps net-snmp types to SMI names; unknown types become Opaque', () => {
    expect(toVarbind({ oid: '1.3', type: 65, value: 5 })).toEqual({ oid: '1.3', type: 'Counter32', value: 5 });
    expect(toVarbind({ oid: '1.3', type: 70, value: Buffer.from([1, 0]) })).toEqual({ oid: '1.3', type: 'Counter64', value: 256n });
    expect(toVarbind({ oid: '1.3', type: 99, value: null }).type).toBe('Opaque');
  });
});

describe('the one printable rule (poll labels and trap varbinds)', () => {
  const octets = (bytes: Uint8Array) => ({ value: Buffer.from(bytes) });

  it('prints UTF-8 text as text and "0x801" apart from the bytes 08 01', () => {
    expect(varbindText(octets(Buffer.from('Gi0/1 — uplink ü', 'utf8')))).toBe('Gi0/1 — uplink ü');
    expect(varbindText(octets(Buffer.from('0x801')))).toBe('0x3078383031');
    expect(varbindText(octets(Buffer.from([0x08, 0x01])))).toBe('0x0801');
    expect(varbindText(octets(Buffer.from([0x00, 0x1a, 0x2b])))).toBe('0x001a2b');
    expect(varbindText({ value: 42 })).toBe('42');
    expect(varbindText({ value: 18446744073709551615n })).toBe('18446744073709551615');
    expect(varbindText({ value: null })).toBe('');
  });

  it('fast-check: text or 0x-hex, always decodable back to the same bytes; different bytes never print alike', () => {
    const back = (text: string) => (text.startsWith('0x') ? Buffer.from(text.slice(2), 'hex') : Buffer.from(text, 'utf8'));
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 48 }), fc.string({ unit: 'binary', maxLength: 24 }).map((s) => new Uint8Array(Buffer.from(s, 'utf8'))));
    fc.assert(
      fc.property(bytes, bytes, (a, b) => {
        const ta = varbindText(octets(a));
        expect(back(ta).equals(Buffer.from(a))).toBe(true);
        if (!Buffer.from(a).equals(Buffer.from(b))) expect(ta).not.toBe(varbindText(octets(b)));
        const text = printableText(a);
        expect(text === undefined ? hexText(a) : text).toBe(ta);
      }),
      { numRuns: 5_000 },
    );
  });
});
