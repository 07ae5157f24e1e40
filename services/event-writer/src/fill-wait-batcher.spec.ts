import { FillWaitBatcher, RESUBMIT_MS, type BatcherClock } from './fill-wait-batcher';

/** A clock that moves only when told to, firing due timers in order. */
class ManualClock implements BatcherClock {
  private t = 10_000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  get armed(): number {
    return this.timers.length;
  }
  async advance(ms: number): Promise<void> {
    const until = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
      await settle();
    }
    this.t = until;
    await settle();
  }
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

/** A flush that records what it got and finishes when told to (an insert in flight). */
function recorder() {
  const flushes: { items: string[]; at: number; done: () => void; fail: (e: Error) => void }[] = [];
  let clock: ManualClock | null = null;
  const flush = (items: string[]) =>
    new Promise<void>((resolve, reject) => flushes.push({ items: [...items], at: clock?.now() ?? 0, done: resolve, fail: reject }));
  return { flushes, flush, bind: (c: ManualClock) => (clock = c) };
}

describe('FillWaitBatcher', () => {
  it('flushes the first item after a quiet spell at once: no added latency at a low rate', async () => {
    const clock = new ManualClock();
    const r = recorder();
    r.bind(clock);
    const b = new FillWaitBatcher({ maxRows: 1000, maxWaitMs: 1000 }, r.flush, clock);
    const settled = jest.fn();
    void b.add('a', 10).then(settled);
    await settle();
    expect(r.flushes.map((f) => f.items)).toEqual([['a']]);
    expect(settled).not.toHaveBeenCalled(); // settles with its flush, not before
    r.flushes[0]?.done();
    await settle();
    expect(settled).toHaveBeenCalledTimes(1);
    // a long quiet spell later: at once again
    await clock.advance(5_000);
    void b.add('b', 10);
    await settle();
    expect(r.flushes.map((f) => f.items)).toEqual([['a'], ['b']]);
  });

  it('under load: one flush per maxWaitMs, covering everything that arrived meanwhile', async () => {
    const clock = new ManualClock();
    const r = recorder();
    r.bind(clock);
    const b = new FillWaitBatcher({ maxRows: 1_000_000, maxWaitMs: 1000 }, r.flush, clock);
    const start = clock.now();
    // six partitions hand in a batch every 100 ms; each flush takes 300 ms
    let n = 0;
    for (let step = 0; step < 40; step++) {
      for (let p = 0; p < 6; p++) void b.add(`p${p}-${n++}`, 100);
      await clock.advance(100);
      for (const f of r.flushes) if (clock.now() - f.at >= 300) f.done();
    }
    const starts = r.flushes.map((f) => f.at - start);
    expect(starts[0]).toBe(0);
    for (let i = 1; i < starts.length; i++) expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(1000);
    expect(r.flushes.length).toBeGreaterThanOrEqual(3);
    // every item in exactly one flush
    const all = r.flushes.flatMap((f) => f.items);
    expect(new Set(all).size).toBe(all.length);
  });

  it('after an insert longer than maxWaitMs, waits a round trip for the items of the callers it released before the next flush', async () => {
    const clock = new ManualClock();
    const r = recorder();
    r.bind(clock);
    const b = new FillWaitBatcher({ maxRows: 1_000_000, maxWaitMs: 1000 }, r.flush, clock);
    void b.add('busy-1', 100);
    await settle();
    await clock.advance(200);
    void b.add('quiet', 1); // arrives while the first insert runs
    await clock.advance(1300); // the insert took 1.5 s: the next one is overdue
    r.flushes[0]?.done();
    await settle();
    expect(r.flushes).toHaveLength(1); // not at once with 'quiet' alone
    await clock.advance(20);
    void b.add('busy-2', 100); // the released caller's next batch, a round trip later
    await clock.advance(RESUBMIT_MS);
    expect(r.flushes.map((f) => f.items)).toEqual([['busy-1'], ['quiet', 'busy-2']]);
    expect((r.flushes[1]?.at ?? 0) - (r.flushes[0]?.at ?? 0)).toBe(1500 + RESUBMIT_MS);
  });

  it('maxRows pending: never two flushes at a time, nor two starts within maxWaitMs; a full flush skips the wait for stragglers', async () => {
    const clock = new ManualClock();
    const r = recorder();
    r.bind(clock);
    const b = new FillWaitBatcher({ maxRows: 100, maxWaitMs: 1000 }, r.flush, clock);
    void b.add('a', 10);
    await settle();
    expect(r.flushes).toHaveLength(1);
    void b.add('b', 60);
    void b.add('c', 60); // 120 rows pending: full, but the first flush still runs
    await settle();
    expect(r.flushes).toHaveLength(1);
    await clock.advance(10);
    r.flushes[0]?.done();
    await settle();
    expect(r.flushes).toHaveLength(1); // full, but the first started 10 ms ago
    await clock.advance(989);
    expect(r.flushes).toHaveLength(1);
    await clock.advance(1);
    expect(r.flushes.map((f) => f.items)).toEqual([['a'], ['b', 'c']]);
    expect(r.flushes[1]?.at).toBe((r.flushes[0]?.at ?? 0) + 1000);
    // an insert longer than maxWaitMs: a full set starts the moment it ends, not RESUBMIT_MS later
    void b.add('d', 150);
    await clock.advance(1500);
    r.flushes[1]?.done();
    await settle();
    expect(r.flushes.map((f) => f.items)).toEqual([['a'], ['b', 'c'], ['d']]);
    expect(r.flushes[2]?.at).toBe((r.flushes[1]?.at ?? 0) + 1500);
  });

  it('spaces flushes from when the previous one started sending, not from its preparation', async () => {
    const clock = new ManualClock();
    const flushes: { items: string[]; at: number; sending: () => void; done: () => void }[] = [];
    const b = new FillWaitBatcher<string>(
      { maxRows: 100, maxWaitMs: 1000 },
      (items, sending) => new Promise<void>((resolve) => flushes.push({ items, at: clock.now(), sending, done: resolve })),
      clock,
    );
    void b.add('a', 10);
    await settle();
    await clock.advance(300); // a dedup lookup took 300 ms before the insert went out
    flushes[0]?.sending();
    await clock.advance(100);
    void b.add('b', 200);
    flushes[0]?.done();
    await settle();
    await clock.advance(899); // 1 s after the insert went out, not after the flush began
    expect(flushes).toHaveLength(1);
    await clock.advance(1);
    expect(flushes.map((f) => f.items)).toEqual([['a'], ['b']]);
    expect((flushes[1]?.at ?? 0) - (flushes[0]?.at ?? 0)).toBe(1300);
  });

  it('with maxWaitMs 0, maxRows pending flush the moment the previous flush ends', async () => {
    const clock = new ManualClock();
    const r = recorder();
    r.bind(clock);
    const b = new FillWaitBatcher({ maxRows: 100, maxWaitMs: 0 }, r.flush, clock);
    void b.add('a', 10);
    await settle();
    void b.add('b', 200);
    await clock.advance(10);
    r.flushes[0]?.done();
    await settle();
    expect(r.flushes.map((f) => f.items)).toEqual([['a'], ['b']]);
    expect(r.flushes[1]?.at).toBe((r.flushes[0]?.at ?? 0) + 10);
  });

  it('a failed flush rejects every item it covered, and later items get a flush of their own', async () => {
    const clock = new ManualClock();
    const r = recorder();
    r.bind(clock);
    const b = new FillWaitBatcher({ maxRows: 1000, maxWaitMs: 1000 }, r.flush, clock);
    void b.add('a', 1).catch(() => undefined);
    await settle();
    r.flushes[0]?.done();
    await settle();
    const x = b.add('x', 1);
    const y = b.add('y', 1);
    await clock.advance(1000);
    expect(r.flushes[1]?.items).toEqual(['x', 'y']);
    r.flushes[1]?.fail(new Error('server down'));
    await expect(x).rejects.toThrow('server down');
    await expect(y).rejects.toThrow('server down');
    const z = b.add('z', 1);
    await clock.advance(1000);
    expect(r.flushes[2]?.items).toEqual(['z']);
    r.flushes[2]?.done();
    await expect(z).resolves.toBeUndefined();
  });

  it('drain() flushes what waits without the fill wait, and every later item at once', async () => {
    const clock = new ManualClock();
    const r = recorder();
    r.bind(clock);
    const b = new FillWaitBatcher({ maxRows: 1000, maxWaitMs: 60_000 }, r.flush, clock);
    void b.add('a', 1);
    await settle();
    r.flushes[0]?.done();
    await settle();
    void b.add('b', 1);
    await settle();
    expect(r.flushes).toHaveLength(1);
    expect(clock.armed).toBe(1);
    b.drain();
    await settle();
    expect(r.flushes.map((f) => f.items)).toEqual([['a'], ['b']]);
    expect(clock.armed).toBe(0);
    r.flushes[1]?.done();
    await settle();
    void b.add('c', 1);
    await settle();
    expect(r.flushes.map((f) => f.items)).toEqual([['a'], ['b'], ['c']]);
  });
});
