import { PollScheduler, type SchedulableTarget } from './poll-scheduler';

const t = (id: string, intervalMs = 1000): SchedulableTarget => ({ device: { id }, intervalMs });

describe('PollScheduler', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('runs every target once per interval at a stable phase', async () => {
    const runs: Array<[string, number]> = [];
    const s = new PollScheduler({ jitter: 0, lateAfterMs: 1000, run: async (x) => void runs.push([x.device.id, Date.now()]) });
    s.set([t('a'), t('b')]);
    await jest.advanceTimersByTimeAsync(3000);
    expect(runs.filter(([id]) => id === 'a')).toHaveLength(3);
    expect(runs.filter(([id]) => id === 'b')).toHaveLength(3);
    const phaseA = runs.filter(([id]) => id === 'a').map(([, at]) => at % 1000);
    expect(new Set(phaseA).size).toBe(1);
    expect(phaseA[0]).toBe(s.phaseOf(t('a')));
    await s.stop();
  });

  it('skips (and counts) the cycles of a device whose previous cycle is still running — no pile-up', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const skips: string[] = [];
    let release: () => void = () => undefined;
    const s = new PollScheduler({
      jitter: 0.05,
      lateAfterMs: 1000,
      run: () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        return new Promise<void>((resolve) => {
          release = () => {
            inFlight--;
            resolve();
          };
        });
      },
      onSkip: (_x, reason) => skips.push(reason),
    });
    s.set([t('slow')]);
    await jest.advanceTimersByTimeAsync(5500);
    expect(maxInFlight).toBe(1);
    expect(skips.length).toBeGreaterThanOrEqual(4);
    expect(new Set(skips)).toEqual(new Set(['busy']));
    release();
    await jest.advanceTimersByTimeAsync(1100);
    expect(inFlight).toBe(1); // polled again once free
    release();
    await s.stop();
  });

  it('reports how many cycles were skipped to the next cycle that runs', async () => {
    const infos: number[] = [];
    let first = true;
    let release: () => void = () => undefined;
    const s = new PollScheduler({
      jitter: 0,
      lateAfterMs: 1000,
      run: (_x, info) => {
        infos.push(info.skipped);
        if (!first) return Promise.resolve();
        first = false;
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    s.set([t('d')]);
    await jest.advanceTimersByTimeAsync(3500);
    release();
    await jest.advanceTimersByTimeAsync(1000);
    expect(infos[0]).toBe(0);
    expect(infos[1]).toBeGreaterThanOrEqual(2);
    await s.stop();
  });

  it('removes targets that left the inventory and re-phases a changed interval', async () => {
    const runs: string[] = [];
    const s = new PollScheduler({ jitter: 0, lateAfterMs: 1000, run: async (x) => void runs.push(x.device.id) });
    s.set([t('a'), t('b')]);
    s.set([t('a', 2000)]);
    expect(s.size).toBe(1);
    await jest.advanceTimersByTimeAsync(4000);
    expect(runs.filter((id) => id === 'b')).toHaveLength(0);
    expect(runs.filter((id) => id === 'a')).toHaveLength(2);
    await s.stop();
  });

  it('runFirstNow: a taken-over target runs at once, then at its phase, never twice within half an interval', async () => {
    const runs: number[] = [];
    const s = new PollScheduler({ jitter: 0, lateAfterMs: 1000, run: async () => void runs.push(Date.now()) });
    const target = t('taken-over', 1000);
    // start right after the target's slot: waiting for it would cost almost a whole interval
    const phase = s.phaseOf(target);
    jest.setSystemTime(1_000_000 + phase + 1);
    s.set([target]);
    expect(s.runFirstNow('taken-over')).toBe(true);
    expect(runs).toEqual([Date.now()]);
    expect(s.runFirstNow('taken-over')).toBe(false); // once only
    expect(s.runFirstNow('unknown')).toBe(false);
    await jest.advanceTimersByTimeAsync(3000);
    const gaps = runs.slice(1).map((at, i) => at - runs[i]!);
    expect(gaps.every((g) => g >= 500)).toBe(true);
    expect(runs.slice(1).map((at) => at % 1000)).toEqual(runs.slice(1).map(() => phase));
    await s.stop();
  });

  it('runFirstNow does nothing to a target whose first cycle already ran on its slot', async () => {
    const runs: number[] = [];
    const s = new PollScheduler({ jitter: 0, lateAfterMs: 1000, run: async () => void runs.push(Date.now()) });
    s.set([t('a')]);
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toHaveLength(1);
    expect(s.runFirstNow('a')).toBe(false);
    expect(runs).toHaveLength(1);
    await s.stop();
  });
});
