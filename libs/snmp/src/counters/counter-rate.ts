/**
 * Rate of an SNMP counter between two readings — the one place Sonde turns counters into
 * rates, so every collector gets the same rules (design.md §6):
 *
 * - Counter32 wraps at 2^32 (RFC 2578 §7.1.6): one wrap between readings is assumed when the
 *   value went down and the agent did not restart; Counter64 (RFC 2578 §7.1.10) never wraps in
 *   practice, so a decrease is a reset.
 * - An agent restart resets every counter: sysUpTime went down, or advanced less than the
 *   wall clock did (the agent rebooted between polls and has been up for less than the gap).
 * - ifCounterDiscontinuityTime (IF-MIB, RFC 2863 §3.1.8) changing means the interface's
 *   counters were reset or re-created.
 * - A gap longer than `maxGapMs` may hide several wraps: no rate.
 * - Never negative; never more than the counter can physically move in the interval
 *   (2^bits - 1 per interval) nor more than `maxRatePerSecond` (e.g. ifHighSpeed in bytes/s).
 *
 * Pure and allocation-light: called once per counter per poll.
 */
export type CounterBits = 32 | 64;

export interface CounterReading {
  value: bigint;
  /** When the value was read, epoch ms (poller clock). */
  ts: number;
  /** sysUpTime.0 of the same poll, hundredths of a second. */
  sysUpTime?: number;
  /** ifCounterDiscontinuityTime (or another discontinuity indicator), TimeTicks. */
  discontinuity?: number;
}

export interface CounterRateOptions {
  bits: CounterBits;
  maxGapMs: number;
  /** Physical ceiling from the device (link speed…); undefined = only the counter's own bound. */
  maxRatePerSecond?: number;
}

export type NoRateReason = 'first' | 'time' | 'gap' | 'restart' | 'discontinuity' | 'reset' | 'absurd';

export type CounterRate =
  | { ok: true; perSecond: number; delta: bigint; wrapped: boolean }
  | { ok: false; reason: NoRateReason };

const TWO_32 = 1n << 32n;
const MAX: Record<CounterBits, bigint> = { 32: TWO_32 - 1n, 64: (1n << 64n) - 1n };
const UPTIME_MOD = 2 ** 32;

export function counterRate(prev: CounterReading | undefined, curr: CounterReading, options: CounterRateOptions): CounterRate {
  if (!prev) return { ok: false, reason: 'first' };
  const dtMs = curr.ts - prev.ts;
  if (!(dtMs > 0) || !Number.isFinite(dtMs)) return { ok: false, reason: 'time' };
  if (dtMs > options.maxGapMs) return { ok: false, reason: 'gap' };
  if (agentRestarted(prev, curr, dtMs)) return { ok: false, reason: 'restart' };
  if (prev.discontinuity !== undefined && curr.discontinuity !== undefined && prev.discontinuity !== curr.discontinuity) {
    return { ok: false, reason: 'discontinuity' };
  }
  const max = MAX[options.bits];
  if (curr.value < 0n || prev.value < 0n || curr.value > max || prev.value > max) return { ok: false, reason: 'absurd' };

  let delta: bigint;
  let wrapped = false;
  if (curr.value >= prev.value) {
    delta = curr.value - prev.value;
  } else if (options.bits === 32) {
    delta = curr.value + TWO_32 - prev.value;
    wrapped = true;
  } else {
    return { ok: false, reason: 'reset' };
  }
  const seconds = dtMs / 1000;
  const perSecond = Number(delta) / seconds;
  // Number(delta) rounds for deltas above 2^53: clamp so rate × interval never exceeds max.
  const physical = Number(max) / seconds;
  if (!Number.isFinite(perSecond) || perSecond > physical) return { ok: false, reason: 'absurd' };
  if (options.maxRatePerSecond !== undefined && options.maxRatePerSecond > 0 && perSecond > options.maxRatePerSecond) {
    // A Counter32 "wrap" faster than the link can go is a reset we could not see (no sysUpTime).
    return { ok: false, reason: wrapped ? 'reset' : 'absurd' };
  }
  return { ok: true, perSecond, delta, wrapped };
}

/**
 * sysUpTime went down (not by its own 2^32 wrap after 497 days), or advanced clearly less than
 * the wall clock: the agent restarted in between. Tolerance: 2 s or 10% of the interval,
 * for poll-to-response jitter and agent clock drift.
 */
export function agentRestarted(prev: CounterReading, curr: CounterReading, dtMs: number): boolean {
  if (prev.sysUpTime === undefined || curr.sysUpTime === undefined) return false;
  const slackTicks = Math.max(200, dtMs / 100); // 2 s, or 10% of the interval, in ticks
  const expectedTicks = dtMs / 10;
  let advanced = curr.sysUpTime - prev.sysUpTime;
  if (advanced < 0) {
    const wrappedAdvance = curr.sysUpTime + UPTIME_MOD - prev.sysUpTime;
    if (Math.abs(wrappedAdvance - expectedTicks) <= slackTicks) advanced = wrappedAdvance;
    else return true;
  }
  return advanced < expectedTicks - slackTicks;
}
