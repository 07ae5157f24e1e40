import fc from 'fast-check';
import { COUNTER32_MODULUS, counter32, counter64, counter64Bytes, counter64FromBytes, counterAt, timeTicksSince } from './lab-counters';

describe('lab counters', () => {
  it('advance at the configured rate from the offset', () => {
    expect(counterAt(1000, 0)).toBe(0n);
    expect(counterAt(1000, 1500)).toBe(1500n);
    expect(counterAt(125_000, 60_000, 10n)).toBe(10n + 7_500_000n);
    expect(counterAt(0.5, 10_000)).toBe(5n);
    expect(counterAt(0.5, 1_999)).toBe(0n);
  });

  it('never go back in time and never jump more than the rate allows', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e10, noNaN: true }), fc.nat(1e9), fc.nat(1e6), (rate, t, dt) => {
        const a = counterAt(rate, t);
        const b = counterAt(rate, t + dt);
        expect(b >= a).toBe(true);
        expect(Number(b - a)).toBeLessThanOrEqual(Math.ceil((Math.round(rate * 1000) / 1000) * (dt / 1000)) + 1);
      }),
    );
  });

  it('wrap Counter32 at 2^32 and Counter64 at 2^64', () => {
    const offset = COUNTER32_MODULUS - 100n;
    expect(counter32(counterAt(100, 500, offset))).toBe(4294967246);
    expect(counter32(counterAt(100, 1000, offset))).toBe(0);
    expect(counter32(counterAt(100, 2000, offset))).toBe(100);
    expect(counter64(2n ** 64n + 5n)).toBe(5n);
  });

  it('keep Counter32 equal to the low 32 bits of the same counter in 64 bits', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (v) => {
        expect(BigInt(counter32(v))).toBe(counter64(v) & 0xffffffffn);
      }),
    );
  });

  it('encode Counter64 as a minimal non-negative BER integer', () => {
    expect(counter64Bytes(0n)).toEqual(Buffer.from([0]));
    expect(counter64Bytes(0x7fn)).toEqual(Buffer.from([0x7f]));
    expect(counter64Bytes(0x80n)).toEqual(Buffer.from([0, 0x80]));
    expect(counter64Bytes(2n ** 64n - 1n)).toEqual(Buffer.from([0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (v) => {
        const bytes = counter64Bytes(v);
        expect(counter64FromBytes(bytes)).toBe(v);
        expect(bytes.length).toBeLessThanOrEqual(9);
        expect(bytes[0]! & 0x80).toBe(0);
      }),
    );
  });

  it('count sysUpTime in hundredths of a second since boot, wrapping at 2^32', () => {
    expect(timeTicksSince(1000, 1000)).toBe(0);
    expect(timeTicksSince(1000, 61_000)).toBe(6000);
    expect(timeTicksSince(0, 2 ** 32 * 10 + 50)).toBe(5);
    expect(timeTicksSince(5000, 1000)).toBe(0);
  });
});
