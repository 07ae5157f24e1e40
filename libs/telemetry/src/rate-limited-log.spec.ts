import fc from 'fast-check';
import type { Clock } from './clock';
import { RateLimitedLog } from './rate-limited-log';

class StubClock implements Clock {
  constructor(public t = 1_000_000) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

function capture() {
  const lines: { fields: Record<string, unknown>; msg: string }[] = [];
  return { lines, sink: { warn: (fields: Record<string, unknown>, msg: string) => void lines.push({ fields, msg }) } };
}

describe('RateLimitedLog', () => {
  it('logs the first occurrence per source and summarises the rest at the end of the interval', () => {
    const clock = new StubClock();
    const { lines, sink } = capture();
    const log = new RateLimitedLog(sink, { clock, intervalMs: 60_000 });

    log.log('10.0.0.1', 'bad-pdu', { bytes: 12 });
    for (let i = 0; i < 5; i++) log.log('10.0.0.1', 'bad-pdu');
    log.log('10.0.0.1', 'unknown-community');
    expect(lines).toEqual([{ fields: { bytes: 12, source: '10.0.0.1', reason: 'bad-pdu' }, msg: 'bad-pdu from 10.0.0.1' }]);

    clock.advance(59_999);
    log.sweep();
    expect(lines).toHaveLength(1);

    clock.advance(1);
    log.sweep();
    expect(lines.slice(1).map((l) => l.msg)).toEqual([
      'source 10.0.0.1: 5 more of reason bad-pdu in the last 60 s',
      'source 10.0.0.1: 1 more of reason unknown-community in the last 60 s',
    ]);
    expect(lines[1]?.fields).toMatchObject({ source: '10.0.0.1', reason: 'bad-pdu', suppressed: 5 });
  });

  it('logs in full again once the window is over, and writes no summary when nothing was suppressed', () => {
    const clock = new StubClock();
    const { lines, sink } = capture();
    const log = new RateLimitedLog(sink, { clock, intervalMs: 1000 });
    log.log('a', 'r');
    clock.advance(1000);
    log.log('a', 'r'); // closes the old window lazily (no suppressed events: no summary), opens a new one
    expect(lines.map((l) => l.msg)).toEqual(['r from a', 'r from a']);
  });

  it('keeps sources independent', () => {
    const clock = new StubClock();
    const { lines, sink } = capture();
    const log = new RateLimitedLog(sink, { clock });
    log.log('a', 'r');
    log.log('b', 'r');
    log.log('a', 'r');
    expect(lines.map((l) => l.msg)).toEqual(['r from a', 'r from b']);
    log.flush();
    expect(lines.map((l) => l.msg).slice(2)).toEqual(['source a: 1 more of reason r in the last 60 s']);
  });

  it('bounds tracked sources and summarises the overflow in one line', () => {
    const clock = new StubClock();
    const { lines, sink } = capture();
    const log = new RateLimitedLog(sink, { clock, maxSources: 3, intervalMs: 10_000 });
    for (let i = 0; i < 100; i++) log.log(`10.0.0.${i}`, i % 2 ? 'odd' : 'even');
    expect(log.trackedSources).toBe(3);
    expect(lines).toHaveLength(3);
    clock.advance(10_000);
    log.sweep();
    expect(lines.map((l) => l.msg).slice(3)).toEqual(['97 more from sources beyond the 3 tracked (odd=49, even=48) in the last 10 s']);
    expect(log.trackedSources).toBe(0);
  });

  it('bounds the reasons counted per source', () => {
    const clock = new StubClock();
    const { lines, sink } = capture();
    const log = new RateLimitedLog(sink, { clock, maxReasonsPerSource: 2 });
    log.log('a', 'first');
    for (const r of ['r1', 'r2', 'r3', 'r4', 'r1']) log.log('a', r);
    log.flush();
    expect(lines.map((l) => l.msg).slice(1)).toEqual([
      'source a: 2 more of reason r1 in the last 60 s',
      'source a: 1 more of reason r2 in the last 60 s',
      'source a: 2 more of reason other in the last 60 s',
    ]);
  });

  it('accounts for every occurrence: logged + summarised = recorded, and memory stays bounded', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ source: fc.integer({ min: 0, max: 20 }), reason: fc.constantFrom('a', 'b', 'c'), dt: fc.integer({ min: 0, max: 700 }) }), {
          maxLength: 300,
        }),
        (events) => {
          const clock = new StubClock();
          const { lines, sink } = capture();
          const log = new RateLimitedLog(sink, { clock, intervalMs: 1000, maxSources: 5 });
          for (const e of events) {
            clock.advance(e.dt);
            log.log(`s${e.source}`, e.reason);
            expect(log.trackedSources).toBeLessThanOrEqual(5);
          }
          log.flush();
          const total = lines.reduce((n, l) => n + (typeof l.fields.suppressed === 'number' ? l.fields.suppressed : 1), 0);
          expect(total).toBe(events.length);
        },
      ),
    );
  });

  it('rejects a non-positive interval', () => {
    expect(() => new RateLimitedLog(capture().sink, { intervalMs: 0 })).toThrow(RangeError);
  });
});
