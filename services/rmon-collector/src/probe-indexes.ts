/**
 * What the collector remembers per probe between cycles, in the state store next to the counter
 * readings (`rmon:indexes:<device>`): where each ring buffer was last read. The history cursor is
 * the last published etherHistorySampleIndex per control row plus that bucket's interval start
 * (to recognise a re-created row holding the same index), and the probe's sysUpTime at that poll
 * (to recognise an agent restart, after which sample indexes start again from 1).
 */
export interface StoredIndexes {
  /** historyControlIndex → last etherHistorySampleIndex published */
  h: Record<string, number>;
  /** historyControlIndex → etherHistoryIntervalStart (sysUpTime ticks) of that bucket */
  t: Record<string, number>;
  /** eventIndex → last logIndex published */
  l: Record<string, number>;
  /** sysUpTime (ticks) and wall clock (ms) of the poll that stored these indexes */
  u?: number;
  w?: number;
}

export function emptyIndexes(): StoredIndexes {
  return { h: {}, t: {}, l: {} };
}

/** Parses a stored entry; anything unexpected is dropped (older entries have no `t`/`u`/`w`). */
export function parseIndexes(v: unknown): StoredIndexes {
  const out = emptyIndexes();
  if (!v || typeof v !== 'object') return out;
  const o = v as Record<string, unknown>;
  for (const k of ['h', 't', 'l'] as const) {
    const m = o[k];
    if (!m || typeof m !== 'object') continue;
    for (const [key, n] of Object.entries(m)) if (typeof n === 'number' && Number.isInteger(n) && n >= 0) out[k][key] = n;
  }
  for (const k of ['u', 'w'] as const) {
    const n = o[k];
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0) out[k] = n;
  }
  return out;
}
