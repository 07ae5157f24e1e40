/** How many states the percent state change looks at (Nagios: the last 21 checks). */
export const FLAP_HISTORY = 21;

/**
 * Nagios' percent state change (docs "Detection and Handling of State Flapping"): over the last
 * 21 states, each of the 20 possible changes counts with a weight from 0.8 (oldest) to 1.2
 * (newest), so recent changes matter more; the sum over 20 is the percentage.
 * `history` holds 0/1 states, oldest first.
 */
export function percentStateChange(history: readonly number[]): number {
  const n = history.length;
  if (n < 2) return 0;
  const slots = FLAP_HISTORY - 1;
  let weighted = 0;
  // align to the newest end: the newest change gets weight 1.2 whatever the history length
  for (let i = 1; i < n; i++) {
    if (history[i] === history[i - 1]) continue;
    const position = slots - (n - 1 - i); // 1..slots for a full history
    weighted += 0.8 + (0.4 * (position - 1)) / (slots - 1);
  }
  return (weighted / slots) * 100;
}

/** Flapping starts above `high` and stops below `low` (hysteresis: one start, one stop, no storm). */
export function nextFlapping(flapping: boolean, percent: number, low: number, high: number): boolean {
  if (!flapping && percent >= high) return true;
  if (flapping && percent < low) return false;
  return flapping;
}
