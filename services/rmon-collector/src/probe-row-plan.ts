/**
 * The reconcile plan of probe configuration, a pure function: the rows wanted on a probe ×
 * the rows it holds → which to create (at which free index) and which to remove. Safety rules
 * (RFC 2819 §2 "owner" convention): a row is ours only when its owner is exactly our owner
 * string; nothing else is ever removed, and no index that exists on the probe (whoever owns it)
 * is ever picked for a new row.
 */

/** EntryStatus index range of the RMON control tables (RFC 2819: INTEGER (1..65535)). */
export const MAX_ROW_INDEX = 65535;

export interface WantedRow {
  /** Identity of the row's content (table-specific: data source, buckets, interval, …). */
  key: string;
}

export interface HeldRow {
  index: number;
  owner: string;
  /** EntryStatus: 1 valid, 2 createRequest, 3 underCreation, 4 invalid. */
  status: number;
  key: string;
}

export interface RowPlan<W extends WantedRow> {
  create: Array<{ index: number; row: W }>;
  /** Indexes of our rows to set invalid(4): no longer wanted, duplicates, or never finished (not valid). */
  remove: number[];
  /** Wanted rows that found no free index (the table is full). */
  noIndex: W[];
}

/** The `count` smallest indexes in 1..MAX_ROW_INDEX not in `taken`. */
export function freeIndexes(taken: Iterable<number>, count: number): number[] {
  const used = new Set(taken);
  const out: number[] = [];
  for (let i = 1; i <= MAX_ROW_INDEX && out.length < count; i++) if (!used.has(i)) out.push(i);
  return out;
}

export function planRows<W extends WantedRow>(wanted: readonly W[], held: readonly HeldRow[], owner: string): RowPlan<W> {
  const remove: number[] = [];
  // our valid rows by key: each can satisfy one wanted row
  const ours = new Map<string, number[]>();
  for (const r of [...held].sort((a, b) => a.index - b.index)) {
    if (r.owner !== owner) continue;
    if (r.status !== 1) {
      remove.push(r.index); // a half-created row of ours (underCreation after a crash): remove, create anew
      continue;
    }
    const list = ours.get(r.key) ?? [];
    list.push(r.index);
    ours.set(r.key, list);
  }
  const missing: W[] = [];
  for (const w of wanted) {
    const list = ours.get(w.key);
    if (list && list.length > 0) list.shift();
    else missing.push(w);
  }
  for (const list of ours.values()) remove.push(...list);
  // never an index that exists on the probe, not even one we are about to remove (another
  // manager may read the old row still; and the agent may keep it until it ages out)
  const free = freeIndexes(held.map((r) => r.index), missing.length);
  const create = missing.slice(0, free.length).map((row, i) => ({ index: free[i] as number, row }));
  return { create, remove: remove.sort((a, b) => a - b), noIndex: missing.slice(free.length) };
}
