import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { timeIntervalContains, timeIntervalSchema } from './time-interval';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

describe('time intervals (Alertmanager time_intervals)', () => {
  it('weekday ranges, times, days of month (negative from the end), months and years', () => {
    const t = timeIntervalSchema.parse({ weekdays: ['monday:friday'], times: [{ start_time: '09:00', end_time: '17:00' }] });
    expect(timeIntervalContains(t, Date.UTC(2026, 11, 1, 10, 0))).toBe(true); // Tuesday 10:00
    expect(timeIntervalContains(t, Date.UTC(2026, 11, 1, 17, 0))).toBe(false); // end is exclusive
    expect(timeIntervalContains(t, Date.UTC(2026, 11, 5, 10, 0))).toBe(false); // Saturday
    const last = timeIntervalSchema.parse({ days_of_month: ['-1'], months: ['february'], years: ['2028'] });
    expect(timeIntervalContains(last, Date.UTC(2028, 1, 29, 12))).toBe(true); // leap year: the 29th is the last day
    expect(timeIntervalContains(last, Date.UTC(2028, 1, 28, 12))).toBe(false);
    const paris = timeIntervalSchema.parse({ times: [{ start_time: '00:00', end_time: '01:00' }], location: 'Europe/Paris' });
    expect(timeIntervalContains(paris, Date.UTC(2026, 11, 1, 23, 30))).toBe(true); // 00:30 in Paris (UTC+1)
  });

  it('names the bad field', () => {
    const r = timeIntervalSchema.safeParse({ weekdays: ['funday'], times: [{ start_time: '25:00', end_time: '26:00' }], location: 'Mars/Base' });
    expect(r.success).toBe(false);
    const messages = r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(messages).toEqual(expect.arrayContaining(['weekdays.0: invalid weekday "funday"', 'times.0.start_time: invalid time "25:00" (expected HH:MM, 00:00–24:00)', 'location: unknown time zone (use an IANA name such as Europe/Paris)']));
  });

  it('a weekday range contains exactly the days between its ends (property)', () => {
    fc.assert(
      fc.property(fc.nat(6), fc.nat(6), fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), (a, b, ts) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const t = timeIntervalSchema.parse({ weekdays: [`${WEEKDAYS[lo]}:${WEEKDAYS[hi]}`] });
        const day = new Date(ts).getUTCDay();
        expect(timeIntervalContains(t, ts)).toBe(day >= lo && day <= hi);
      }),
    );
  });

  it('the parser never throws on arbitrary input, it reports issues', () => {
    fc.assert(fc.property(fc.anything(), (raw) => expect(() => timeIntervalSchema.safeParse(raw)).not.toThrow()));
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }), (days) => expect(() => timeIntervalSchema.safeParse({ weekdays: days, days_of_month: days, months: days })).not.toThrow()));
  });
});
