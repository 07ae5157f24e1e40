import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { formatDuration, parseDuration } from './duration';

describe('Prometheus durations', () => {
  it('parses the forms Alertmanager configs use', () => {
    expect(parseDuration('0s')).toBe(0);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('4h')).toBe(14_400_000);
  });

  it('refuses units out of order, repeats and junk', () => {
    for (const bad of ['', '5', '1m1h', '1s1s', '1.5s', '-1s', 's', '1 m']) expect(parseDuration(bad)).toBeNull();
  });

  it('format → parse round-trips any duration', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400_000 }), (ms) => expect(parseDuration(formatDuration(ms))).toBe(ms)));
  });

  it('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.string(), (s) => expect(() => parseDuration(s)).not.toThrow()));
  });
});
