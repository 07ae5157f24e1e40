import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { compileMatcher, formatMatcher, formatMatchers, MatcherError, parseMatcher, parseMatchers, type MatchOp } from './matcher';

const labelName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/);
const op = fc.constantFrom<MatchOp>('=', '!=', '=~', '!~');
const plainValue = fc.string({ maxLength: 20 });
// Regex values that compile: escaped literals and a few classes.
const regexValue = fc.array(fc.oneof(fc.constantFrom('.*', '[a-z]+', '\\d', 'x|y'), fc.string({ maxLength: 3 }).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))), { maxLength: 4 }).map((p) => p.join(''));
const matcher = fc.oneof(
  fc.record({ name: labelName, op: fc.constantFrom<MatchOp>('=', '!='), value: plainValue }),
  fc.record({ name: labelName, op: fc.constantFrom<MatchOp>('=~', '!~'), value: regexValue }),
);

describe('matcher parsing (Alertmanager syntax)', () => {
  it('round-trips any matcher through its printed form', () => {
    fc.assert(fc.property(matcher, (m) => expect(parseMatcher(formatMatcher(m))).toEqual(m)));
  });

  it('round-trips matcher sets with braces, commas and quotes in values', () => {
    fc.assert(fc.property(fc.array(matcher, { maxLength: 5 }), (ms) => expect(parseMatchers(formatMatchers(ms))).toEqual(ms)));
  });

  it('never throws anything but MatcherError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        try {
          parseMatchers(s);
        } catch (err) {
          expect(err).toBeInstanceOf(MatcherError);
        }
      }),
    );
  });

  it('= and != treat a missing label as empty; regexes are anchored', () => {
    expect(compileMatcher(parseMatcher('severity="critical"')).test({ severity: 'critical' })).toBe(true);
    expect(compileMatcher(parseMatcher('severity!=critical')).test({})).toBe(true);
    expect(compileMatcher(parseMatcher('env=""')).test({})).toBe(true);
    expect(compileMatcher(parseMatcher('device=~"r1"')).test({ device: 'r10' })).toBe(false);
    expect(compileMatcher(parseMatcher('device=~"r1.*"')).test({ device: 'r10' })).toBe(true);
    expect(compileMatcher(parseMatcher('device!~"core-.*"')).test({ device: 'edge-1' })).toBe(true);
  });

  it('negation is the complement of the positive operator', () => {
    fc.assert(
      fc.property(labelName, op, plainValue, fc.dictionary(labelName, plainValue), (name, o, v, labels) => {
        const value = o.includes('~') ? v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : v;
        const pos = compileMatcher({ name, op: o.includes('~') ? '=~' : '=', value }).test(labels);
        const neg = compileMatcher({ name, op: o.includes('~') ? '!~' : '!=', value }).test(labels);
        expect(neg).toBe(!pos);
      }),
    );
  });

  it('names the matcher in errors', () => {
    expect(() => parseMatcher('1abc="x"')).toThrow(/invalid label name "1abc"/);
    expect(() => parseMatcher('a~"x"')).toThrow(/no operator/);
    expect(() => parseMatcher('a=~"("')).toThrow(/invalid regex in matcher a=~/);
    expect(() => parseMatcher('a="x')).toThrow(/unterminated/);
    expect(() => parseMatchers('{a="b"')).toThrow(/unbalanced braces/);
  });
});
