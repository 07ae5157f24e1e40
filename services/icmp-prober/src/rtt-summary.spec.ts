import fc from 'fast-check';
import { lossPercent, summarizeRtts } from './rtt-summary';

describe('summarizeRtts / lossPercent', () => {
  it('computes min/avg/max and population stddev (ping mdev)', () => {
    expect(summarizeRtts([1, 2, 3, 4])).toEqual({ rttMinMs: 1, rttAvgMs: 2.5, rttMaxMs: 4, rttStddevMs: 1.118 });
    expect(summarizeRtts([])).toEqual({ rttMinMs: null, rttAvgMs: null, rttMaxMs: null, rttStddevMs: null });
  });

  it('keeps min <= avg <= max and stddev <= (max - min) for any sample', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 10_000, noNaN: true }), { minLength: 1, maxLength: 50 }), (rtts) => {
        const s = summarizeRtts(rtts);
        expect(s.rttMinMs!).toBeLessThanOrEqual(s.rttAvgMs! + 1e-3);
        expect(s.rttAvgMs!).toBeLessThanOrEqual(s.rttMaxMs! + 1e-3);
        expect(s.rttStddevMs!).toBeLessThanOrEqual(s.rttMaxMs! - s.rttMinMs! + 2e-3);
      }),
    );
  });

  it('reports loss in percent with one decimal', () => {
    expect(lossPercent(3, 2)).toBe(33.3);
    expect(lossPercent(5, 0)).toBe(100);
    expect(lossPercent(0, 0)).toBe(0);
  });
});
