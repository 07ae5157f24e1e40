/**
 * Which entries of an agent-side ring buffer are new since the last poll, and which were lost.
 * RMON history buckets (etherHistorySampleIndex, RFC 2819 §5: "increases by one for each new
 * sample", the oldest buckets deleted once bucketsGranted are held) and log entries (logIndex per
 * event) both work this way. Knowing the last index we published, a poll that finds indexes
 * after it publishes exactly those (never a duplicate); indexes between the last one and the
 * first one the agent still holds aged out while we were away (never a silent gap).
 */
export interface IndexDiff {
  /** Indexes to publish now, ascending. */
  fresh: number[];
  /** Index ranges that were never published and the agent no longer holds, ascending. */
  lost: Array<{ first: number; last: number }>;
  /** The agent's indexes went backwards (agent restart, control row re-created): counting restarted. */
  restarted: boolean;
  /** The last index published after this poll (unchanged when the agent holds nothing new). */
  last: number | undefined;
}

/**
 * `held`: the indexes the agent holds now (any order, duplicates ignored); `last`: the highest
 * index published before (undefined = never polled: everything held is fresh, nothing lost).
 */
export function indexDiff(held: readonly number[], last: number | undefined): IndexDiff {
  const sorted = [...new Set(held)].filter((n) => Number.isInteger(n) && n > 0).sort((a, b) => a - b);
  const max = sorted[sorted.length - 1];
  if (max === undefined) return { fresh: [], lost: [], restarted: false, last };
  if (last === undefined) return { fresh: sorted, lost: [], restarted: false, last: max };
  if (max < last) {
    // RFC 2819: sample indexes only grow for the life of a control row; lower ones mean a new row
    return { fresh: sorted, lost: [], restarted: true, last: max };
  }
  const fresh = sorted.filter((n) => n > last);
  const lost: IndexDiff['lost'] = [];
  let expect = last + 1;
  for (const n of fresh) {
    if (n > expect) lost.push({ first: expect, last: n - 1 });
    expect = n + 1;
  }
  return { fresh, lost, restarted: false, last: max };
}

/** The number of indexes in the lost ranges. */
export function lostCount(lost: IndexDiff['lost']): number {
  return lost.reduce((n, r) => n + r.last - r.first + 1, 0);
}
