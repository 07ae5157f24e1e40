/** RTT statistics of one probe cycle, in milliseconds, as fping -C / ping report them. */
export interface RttSummary {
  rttMinMs: number | null;
  rttAvgMs: number | null;
  rttMaxMs: number | null;
  /** Population standard deviation (ping's "mdev"): the cycle's jitter. */
  rttStddevMs: number | null;
}

export function summarizeRtts(rttsMs: readonly number[]): RttSummary {
  const n = rttsMs.length;
  if (n === 0) return { rttMinMs: null, rttAvgMs: null, rttMaxMs: null, rttStddevMs: null };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const r of rttsMs) {
    if (r < min) min = r;
    if (r > max) max = r;
    sum += r;
  }
  const avg = sum / n;
  let sq = 0;
  for (const r of rttsMs) sq += (r - avg) * (r - avg);
  return { rttMinMs: round3(min), rttAvgMs: round3(avg), rttMaxMs: round3(max), rttStddevMs: round3(Math.sqrt(sq / n)) };
}

/** Loss in percent with one decimal, 0 when nothing was sent. */
export function lossPercent(sent: number, received: number): number {
  if (sent <= 0) return 0;
  return Math.round(((sent - Math.min(sent, received)) / sent) * 1000) / 10;
}

/** Microsecond resolution is what the clock gives us; more digits would be noise. */
function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
