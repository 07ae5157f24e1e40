import type { Scheduler, TimerHandle } from '../src/notify/scheduler';

/** A scheduler whose time moves only when a test says so (the notification specs). */
export class FakeScheduler implements Scheduler {
  t = Date.UTC(2026, 11, 1, 10, 0, 0);
  private timers: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;
  now(): number {
    return this.t;
  }
  after(ms: number, fn: () => void): TimerHandle {
    const timer = { at: this.t + ms, seq: this.seq++, fn };
    this.timers.push(timer);
    return { cancel: () => (this.timers = this.timers.filter((x) => x !== timer)) };
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }
  async settle(): Promise<void> {
    for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r));
  }
  /** Moves time forward, firing due timers in order and letting the async work they start run. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await this.settle();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
      await this.settle();
    }
    this.t = end;
    await this.settle();
  }
}
