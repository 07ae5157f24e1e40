import fc from 'fast-check';
import { agentRestarted, counterRate, type CounterBits, type CounterReading } from './counter-rate';

const T0 = 1_700_000_000_000;
const r = (value: bigint | number, ts: number, sysUpTime?: number, discontinuity?: number): CounterReading => ({
  value: BigInt(value), ts, ...(sysUpTime === undefined ? {} : { sysUpTime }), ...(discontinuity === undefined ? {} : { discontinuity }),
});
const opts32 = { bits: 32 as const, maxGapMs: 600_000 };
const opts64 = { bits: 64 as const, maxGapMs: 600_000 };

describe('counterRate', () => {
  it('is the plain difference per second', () => {
    expect(counterRate(r(1000, T0, 100), r(7000, T0 + 60_000, 6100), opts64)).toEqual({ ok: true, perSecond: 100, delta: 6000n, wrapped: false });
  });

  it('handles one Counter32 wrap', () => {
    const res = counterRate(r(2 ** 32 - 100, T0, 100), r(500, T0 + 10_000, 1100), opts32);
    expect(res).toEqual({ ok: true, perSecond: 60, delta: 600n, wrapped: true });
  });

  it('treats a Counter64 decrease as a reset', () => {
    expect(counterRate(r(5000, T0, 100), r(10, T0 + 10_000, 1100), opts64)).toEqual({ ok: false, reason: 'reset' });
  });

  it('reports a restart when sysUpTime went back, even on Counter32 (not a wrap)', () => {
    expect(counterRate(r(2 ** 32 - 100, T0, 500_000), r(500, T0 + 60_000, 3000), opts32)).toEqual({ ok: false, reason: 'restart' });
  });

  it('reports a restart when the agent has been up for less than the interval', () => {
    // rebooted 30 s after the first poll: uptime advanced 30 s over a 60 s interval
    expect(counterRate(r(100, T0, 100_000), r(200, T0 + 60_000, 103_000), opts64)).toEqual({ ok: false, reason: 'restart' });
  });

  it('does not mistake sysUpTime wrapping at 2^32 ticks (497 days) for a restart', () => {
    const prev = r(100, T0, 2 ** 32 - 1000);
    const curr = r(700, T0 + 60_000, 5000);
    expect(agentRestarted(prev, curr, 60_000)).toBe(false);
    expect(counterRate(prev, curr, opts64)).toMatchObject({ ok: true, perSecond: 10 });
  });

  it('reports an ifCounterDiscontinuityTime change', () => {
    expect(counterRate(r(100, T0, 100, 0), r(200, T0 + 10_000, 1100, 900), opts64)).toEqual({ ok: false, reason: 'discontinuity' });
  });

  it('gives no rate over a too-long gap, on a first sample, or when time did not advance', () => {
    expect(counterRate(r(1, T0), r(2, T0 + 700_000), opts32)).toEqual({ ok: false, reason: 'gap' });
    expect(counterRate(undefined, r(2, T0), opts32)).toEqual({ ok: false, reason: 'first' });
    expect(counterRate(r(1, T0), r(2, T0), opts32)).toEqual({ ok: false, reason: 'time' });
    expect(counterRate(r(1, T0), r(2, T0 - 5), opts32)).toEqual({ ok: false, reason: 'time' });
  });

  it('rejects a rate above the link speed (an unseen reset looks like a huge Counter32 wrap)', () => {
    const maxRatePerSecond = 1e9 / 8; // 1 Gbit/s in bytes
    expect(counterRate(r(2 ** 32 - 10, T0), r(2 ** 32 - 20, T0 + 1000), { ...opts32, maxRatePerSecond })).toEqual({ ok: false, reason: 'reset' });
  });

  it('rejects values outside the counter range (a buggy agent)', () => {
    expect(counterRate(r(1, T0), r(2n ** 32n + 5n, T0 + 1000), opts32)).toEqual({ ok: false, reason: 'absurd' });
  });

  const bitsArb = fc.constantFrom<CounterBits>(32, 64);
  const reading = (bits: CounterBits) =>
    fc.record({
      value: bits === 32 ? fc.bigInt({ min: -5n, max: 2n ** 32n + 5n }) : fc.bigInt({ min: -5n, max: 2n ** 64n + 5n }),
      ts: fc.integer({ min: T0 - 10_000, max: T0 + 10_000_000 }),
      sysUpTime: fc.option(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { nil: undefined }),
      discontinuity: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
    });

  it('property: never negative, never above the counter’s physical max or the link ceiling', () => {
    fc.assert(
      fc.property(
        bitsArb.chain((bits) => fc.tuple(fc.constant(bits), reading(bits), reading(bits))),
        fc.option(fc.double({ min: 1, max: 1e12, noNaN: true }), { nil: undefined }),
        fc.integer({ min: 1, max: 10_000_000 }),
        ([bits, prev, curr], maxRatePerSecond, maxGapMs) => {
          const res = counterRate(prev, curr, { bits, maxGapMs, ...(maxRatePerSecond === undefined ? {} : { maxRatePerSecond }) });
          if (!res.ok) return;
          const seconds = (curr.ts - prev.ts) / 1000;
          expect(res.perSecond).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(res.perSecond)).toBe(true);
          expect(res.perSecond * seconds).toBeLessThanOrEqual(Number(2n ** BigInt(bits) - 1n) * (1 + 1e-12));
          if (maxRatePerSecond !== undefined) expect(res.perSecond).toBeLessThanOrEqual(maxRatePerSecond);
          expect(res.delta >= 0n).toBe(true);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('property: a steady counter polled at any interval yields its true rate, across Counter32 wraps', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }),
        fc.integer({ min: 0, max: 100_000_000 }), // bytes per second
        fc.integer({ min: 1000, max: 30_000 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (start, rate, dtMs, up0) => {
          const moved = (BigInt(rate) * BigInt(dtMs)) / 1000n;
          fc.pre(moved < 2n ** 32n);
          const curr = (start + moved) % 2n ** 32n;
          const res = counterRate({ value: start, ts: T0, sysUpTime: up0 }, { value: curr, ts: T0 + dtMs, sysUpTime: up0 + dtMs / 10 }, opts32);
          expect(res.ok).toBe(true);
          if (res.ok) expect(res.delta).toBe(moved);
        },
      ),
    );
  });
});
