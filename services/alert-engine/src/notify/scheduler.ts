import type { Clock } from '@sonde/telemetry/clock';

export interface TimerHandle {
  cancel(): void;
}

/** Time and timers for grouping and retries; a fake in unit tests advances both at will. */
export interface Scheduler extends Clock {
  after(ms: number, fn: () => void): TimerHandle;
  sleep(ms: number): Promise<void>;
}

export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
};
