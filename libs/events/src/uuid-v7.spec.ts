import fc from 'fast-check';
import { validate, version } from 'uuid';
import { eventIdTime } from './event-id';
import { uuidV7 } from './uuid-v7';

describe('uuidV7', () => {
  it('is a valid RFC 9562 version 7 UUID (checked by the uuid package) carrying its time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (ms) => {
        const id = uuidV7(ms);
        expect(validate(id)).toBe(true);
        expect(version(id)).toBe(7);
        expect('89ab').toContain(id[19]);
        expect(eventIdTime(id)).toBe(ms);
      }),
      { numRuns: 20_000 },
    );
  });

  it('carries each call\'s own time when calls alternate between milliseconds (the time digits are cached per ms)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 48 - 1 }), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(7), { maxLength: 40 }), (times, picks) => {
        for (const k of picks) {
          const ms = times[k % times.length] as number;
          expect(eventIdTime(uuidV7(ms))).toBe(ms);
        }
      }),
    );
  });

  it('sorts by time and does not repeat across pool refills', () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => uuidV7(1_700_000_000_000 + Math.floor(i / 10)));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i += 997) {
      expect(eventIdTime(ids[i]!) >= eventIdTime(ids[i - 1]!)).toBe(true);
    }
  });
});
