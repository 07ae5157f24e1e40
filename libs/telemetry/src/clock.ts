/** Time source, injectable so interval logic is tested with a stub instead of waiting. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
