import type { GroupReading, GroupRow } from '@sonde/snmp/poll/group-poller';
import { labelValue } from '@sonde/snmp/poll/group-samples';
import type { Varbind } from '@sonde/snmp/session/varbind';

/** One row of a walked RMON table, its cells by RFC column name. */
export class RmonRow {
  private readonly cells = new Map<string, Varbind>();

  constructor(readonly index: string, row: GroupRow) {
    for (const c of row.cells) this.cells.set(c.name, c.vb);
  }

  has(name: string): boolean {
    return this.cells.has(name);
  }

  vb(name: string): Varbind | undefined {
    return this.cells.get(name);
  }

  /** A numeric cell (INTEGER, Counter32/64, Gauge32, TimeTicks); undefined when absent or not a number. */
  num(name: string): number | undefined {
    const v = this.cells.get(name)?.value;
    return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
  }

  /** A counter cell as read (Counter64 stays a bigint). */
  counter(name: string): { value: bigint; bits: 32 | 64 } | undefined {
    const vb = this.cells.get(name);
    if (!vb) return undefined;
    if (vb.type === 'Counter64' && typeof vb.value === 'bigint') return { value: vb.value, bits: 64 };
    if (typeof vb.value === 'number' && (vb.type === 'Counter32' || vb.type === 'Gauge32')) return { value: BigInt(vb.value), bits: 32 };
    return undefined;
  }

  text(name: string): string | undefined {
    const vb = this.cells.get(name);
    return vb ? labelValue(vb) : undefined;
  }
}

/** The rows of one table of the cycle, by index (empty when the agent has no such table). */
export function rowsOf(readings: readonly GroupReading[], group: string): Map<string, RmonRow> {
  const out = new Map<string, RmonRow>();
  const reading = readings.find((r) => r.group === group);
  for (const row of reading?.rows ?? []) if (row.index !== '') out.set(row.index, new RmonRow(row.index, row));
  return out;
}

/** Whether the table was read this cycle (walked, even if empty) — a group not walked is not "unsupported". */
export function wasRead(readings: readonly GroupReading[], group: string): boolean {
  return readings.some((r) => r.group === group);
}

/** ifIndex of an etherStatsDataSource / historyControlDataSource pointing at IF-MIB ifIndex.<n> (RFC 2819 §5). */
export function dataSourceIfIndex(dataSource: string | undefined): number | undefined {
  const prefix = '1.3.6.1.2.1.2.2.1.1.';
  if (!dataSource?.startsWith(prefix)) return undefined;
  const rest = dataSource.slice(prefix.length);
  if (!/^\d{1,10}$/.test(rest)) return undefined;
  const n = Number(rest);
  return n > 0 && n <= 2147483647 ? n : undefined;
}

/** EntryStatus (RFC 2819 §2): the row states of every RMON control table. */
export const ENTRY_STATUS: Readonly<Record<number, string>> = { 1: 'valid', 2: 'createRequest', 3: 'underCreation', 4: 'invalid' };

export function entryStatusName(value: number | undefined): string {
  return value === undefined ? 'unknown' : (ENTRY_STATUS[value] ?? `unknown(${value})`);
}
