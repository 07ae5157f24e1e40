import fc from 'fast-check';
import { ReachabilityTracker } from './reachability-tracker';

describe('ReachabilityTracker', () => {
  it('goes up on the first good cycle, down after K failed, up again after M good', () => {
    const t = new ReachabilityTracker({ downAfterCycles: 3, upAfterCycles: 2 });
    expect(t.record(true)).toEqual({ from: 'unknown', to: 'up' });
    expect(t.record(false)).toBeNull();
    expect(t.record(false)).toBeNull();
    expect(t.record(true)).toBeNull(); // streak broken: still up
    expect([t.record(false), t.record(false)]).toEqual([null, null]);
    expect(t.record(false)).toEqual({ from: 'up', to: 'down' });
    expect(t.record(true)).toBeNull();
    expect(t.record(false)).toBeNull();
    expect(t.record(true)).toBeNull();
    expect(t.record(true)).toEqual({ from: 'down', to: 'up' });
  });

  it('declares a never-answering target down after K cycles, not before', () => {
    const t = new ReachabilityTracker({ downAfterCycles: 2, upAfterCycles: 1 });
    expect(t.record(false)).toBeNull();
    expect(t.state).toBe('unknown');
    expect(t.record(false)).toEqual({ from: 'unknown', to: 'down' });
  });

  it('only ever changes state after K bad or M good cycles in a row (any sequence)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.array(fc.boolean(), { maxLength: 60 }), (k, m, cycles) => {
        const t = new ReachabilityTracker({ downAfterCycles: k, upAfterCycles: m });
        cycles.forEach((good, i) => {
          const change = t.record(good);
          if (!change) return;
          const streak = cycles.slice(0, i + 1).reverse().findIndex((g) => g !== good);
          const run = streak === -1 ? i + 1 : streak;
          if (change.to === 'down') expect(run).toBeGreaterThanOrEqual(k);
          if (change.to === 'up' && change.from === 'down') expect(run).toBeGreaterThanOrEqual(m);
          expect(change.from).not.toBe(change.to);
        });
      }),
    );
  });
});
