import type { ClockSkewDirection } from './syslog-receiver.metrics';

/**
 * How far a message's own time may be from the receive time before it is counted as clock
 * skew (ADR 0002). Five minutes: beyond NTP trouble and queueing in a relay, short of a device
 * whose clock was never set. The message is stored either way; this only decides the metric.
 */
export const CLOCK_SKEW_THRESHOLD_MS = 5 * 60_000;

/** `past`/`future` for a skew (device time − receive time, ms) beyond the threshold, else undefined. */
export function clockSkewDirection(skewMs: number): ClockSkewDirection | undefined {
  if (skewMs < -CLOCK_SKEW_THRESHOLD_MS) return 'past';
  if (skewMs > CLOCK_SKEW_THRESHOLD_MS) return 'future';
  return undefined;
}
