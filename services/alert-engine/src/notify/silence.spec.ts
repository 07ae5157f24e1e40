import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { silenceFromPostable, SilenceError, silenceState, toApiMatcher, toMatcher } from './silence';

const now = Date.UTC(2026, 11, 1, 12);
const base = { startsAt: new Date(now).toISOString(), endsAt: new Date(now + 3_600_000).toISOString(), createdBy: 'noc', comment: 'x' };

describe('silences (Alertmanager postableSilence)', () => {
  it('accepts a valid silence and gives it a state by time', () => {
    const s = silenceFromPostable({ ...base, matchers: [{ name: 'device', value: 'r1', isRegex: false }] }, now);
    expect(s.matchers).toEqual([{ name: 'device', op: '=', value: 'r1' }]);
    expect(silenceState(s, now)).toBe('active');
    expect(silenceState(s, now + 3_600_000)).toBe('expired');
  });

  it('refuses what Alertmanager refuses, naming the field', () => {
    const bad = (raw: object) => () => silenceFromPostable({ ...base, ...raw }, now);
    expect(bad({ matchers: [] })).toThrow(/matchers/);
    expect(bad({ matchers: [{ name: 'device', value: '.*', isRegex: true }] })).toThrow(/must not match the empty string/);
    expect(bad({ matchers: [{ name: 'device', value: '(', isRegex: true }] })).toThrow(/invalid regex/);
    expect(bad({ matchers: [{ name: 'd', value: 'x', isRegex: false }], endsAt: base.startsAt })).toThrow(/endsAt must be after startsAt/);
    expect(bad({ matchers: [{ name: 'd', value: 'x', isRegex: false }], createdBy: '' })).toThrow(/createdBy/);
  });

  it('API matcher ↔ matcher round-trips (property)', () => {
    fc.assert(
      fc.property(fc.record({ name: fc.string({ minLength: 1 }), value: fc.string(), isRegex: fc.boolean(), isEqual: fc.boolean() }), (m) => {
        expect(toApiMatcher(toMatcher(m))).toEqual(m);
      }),
    );
  });

  it('throws only SilenceError on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        try {
          silenceFromPostable(raw, now);
        } catch (err) {
          expect(err).toBeInstanceOf(SilenceError);
        }
      }),
    );
  });
});
