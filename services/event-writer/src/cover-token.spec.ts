import fc from 'fast-check';
import { coverToken } from './cover-token';

describe('coverToken', () => {
  it('one batch, nothing left out: the batch token itself', () => {
    expect(coverToken(['sonde.snmp.v1/3/100-199'])).toBe('sonde.snmp.v1/3/100-199');
  });

  it('does not depend on the order the batches arrived in', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 12 }), fc.nat(), (tokens, seed) => {
        const shuffled = [...tokens].sort((a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7));
        expect(coverToken(shuffled)).toBe(coverToken(tokens));
      }),
    );
  });

  it('differs for other batches and for other ids left out', () => {
    const a = coverToken(['t/0/0-9', 't/1/0-9']);
    expect(coverToken(['t/0/0-9', 't/1/0-8'])).not.toBe(a);
    expect(coverToken(['t/0/0-9'])).not.toBe(a);
    expect(coverToken(['t/0/0-9', 't/1/0-9'], new Set(['id-1']))).not.toBe(a);
    expect(coverToken(['t/0/0-9'], new Set(['id-1']))).not.toBe('t/0/0-9');
    expect(coverToken(['t/0/0-9', 't/1/0-9'], new Set(['id-1']))).toBe(coverToken(['t/1/0-9', 't/0/0-9'], new Set(['id-1'])));
  });
});
