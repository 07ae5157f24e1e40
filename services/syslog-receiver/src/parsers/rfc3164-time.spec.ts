import fc from 'fast-check';
import { BSD_TIME, readDeviceTime } from './rfc3164';
import { MONTHS, fractionToMs, parseRfc3339, parseRfc3339ByRegex, resolveWallClock, utcYear } from './syslog-time';

/** readDeviceTime as it was before the hand-written scanner: BSD_TIME and its capture groups. */
function byRegex(s: string, receivedAt: number, zone: string): { end: number; ts: number | undefined; raw: string } | undefined {
  const m = BSD_TIME.exec(s);
  if (!m) return undefined;
  const month = MONTHS[m[2] ?? ''];
  if (month === undefined) return undefined;
  const year = m[1] ?? m[4];
  const ts = resolveWallClock(
    { year: year ? Number(year) : undefined, month, day: Number(m[3]), hour: Number(m[5]), minute: Number(m[6]), second: Number(m[7]), ms: fractionToMs(m[8]) },
    zone,
    receivedAt,
  );
  return { end: m[0].length, ts, raw: m[0] };
}

describe('BSD timestamp scanner', () => {
  // pieces that hit every branch of BSD_TIME (spaces, 1-4 digits, months and non-months, fractions)
  const piece = fc.oneof(
    fc.constantFrom('Jan', 'Feb', 'Nov', 'Dec', 'Foo', 'NOV', 'nov', 'Xyz', ' ', '  ', ':', '.', '0', '1', '2', '9', '12', '25', '59', '60', '99', '2026', '1993', '0000', 'T', '-', ' sshd: x'),
    fc.string({ maxLength: 3 }),
  );
  const text = fc.array(piece, { maxLength: 14 }).map((a) => a.join(''));
  const plausible = fc
    .tuple(
      fc.option(fc.integer({ min: 0, max: 9999 }).map((y) => `${String(y).padStart(4, '0')} `)),
      fc.constantFrom('Jan', 'Feb', 'Mar', 'Dec', 'Nov', 'Abc'),
      fc.constantFrom(' ', '  '),
      fc.integer({ min: 0, max: 99 }).map(String),
      fc.option(fc.integer({ min: 0, max: 9999 }).map((y) => ` ${String(y).padStart(4, '0')}`)),
      fc.integer({ min: 0, max: 99 }).map(String),
      fc.integer({ min: 0, max: 99 }).map((v) => String(v).padStart(2, '0')),
      fc.integer({ min: 0, max: 99 }).map((v) => String(v).padStart(2, '0')),
      fc.option(fc.stringMatching(/^\.\d{0,8}$/)),
      fc.string({ maxLength: 6 }),
    )
    .map(([y1, mon, sp, d, y2, h, mi, s, frac, rest]) => `${y1 ?? ''}${mon}${sp}${d}${y2 ?? ''} ${h}:${mi}:${s}${frac ?? ''}${rest}`);
  const receivedAt = fc.integer({ min: 0, max: 4102444800000 });
  const zone = fc.constantFrom('UTC', '+02:00', '-0530', 'Europe/Paris');

  it('reads exactly what the BSD_TIME regex reads, with the same time', () => {
    fc.assert(
      fc.property(fc.oneof(text, plausible).filter((s) => !/^\d{4}-\d{2}-\d{2}[Tt ]/.test(s)) /* RFC 3339: another path */, receivedAt, zone, (s, at, z) => {
        expect(readDeviceTime(s, { receivedAt: at, zone: z })).toEqual(byRegex(s, at, z));
      }),
      { numRuns: 3000 },
    );
  });

  it('utcYear is getUTCFullYear, whatever the order of the instants', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -62198755200000, max: 8.64e15 }), fc.constantFrom(NaN, 0, -1, 1735689599999, 1735689600000)), { maxLength: 20 }), (ts) => {
        for (const t of ts) expect(utcYear(t)).toBe(new Date(t).getUTCFullYear());
      }),
    );
  });

  it('parseRfc3339 (hand scanner) equals the RFC3339 regex version', () => {
    const two = fc.integer({ min: 0, max: 99 }).map((v) => String(v).padStart(2, '0'));
    const iso = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }).map((y) => String(y).padStart(4, '0')), two, two, fc.constantFrom('T', 't', ' ', 'x'), two, two, two,
        fc.option(fc.stringMatching(/^\.\d{0,11}$/)),
        fc.option(fc.oneof(fc.constantFrom('Z', 'z', 'UTC', '+', '-'), fc.stringMatching(/^[+-]\d{1,2}:?\d{1,3}$/))),
        fc.constantFrom('', '', '', ' ', 'x', '\n'),
      )
      .map(([y, mo, d, t, h, mi, se, f, z, tail]) => `${y}-${mo}-${d}${t}${h}:${mi}:${se}${f ?? ''}${z ?? ''}${tail}`);
    const noisy = fc.array(fc.constantFrom('2026', '-', '11', '25', 'T', ':', '00', '.', '123', 'Z', '+01:00', '-0530', ' ', 'a'), { maxLength: 12 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.oneof(iso, noisy, fc.string({ maxLength: 30 })), fc.constantFrom('UTC', '+02:00', 'Europe/Paris'), (s, zone) => {
        expect(parseRfc3339(s, zone)).toBe(parseRfc3339ByRegex(s, zone));
      }),
      { numRuns: 3000 },
    );
  });

  it('fractionToMs equals the string version', () => {
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^\d{0,9}$/), fc.string({ maxLength: 4 })), (d) => {
        const expected = d ? Math.floor(Number((d + '00').slice(0, 3))) : 0;
        expect(fractionToMs(d)).toBe(expected);
      }),
    );
  });
});
