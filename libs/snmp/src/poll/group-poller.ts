import { SnmpError, isSnmpError } from '../session/snmp-error';
import type { SnmpSession } from '../session/snmp-session';
import { isException, type Varbind } from '../session/varbind';
import { varbindsReadBefore, walkColumns, type WalkOptions } from '../walk/table-walk';
import type { MetricGroup, MetricObject } from './metric-group';
import { acceptsValue, dropVarbinds, type VarbindDropReason } from './varbind-counts';

export interface GroupCell {
  object: MetricObject;
  /** The configured name, or the fallback's when the fallback column was walked. */
  name: string;
  vb: Varbind;
}

export interface GroupRow {
  /** Table index (e.g. `3` for ifIndex 3); '' for the scalar row. */
  index: string;
  cells: GroupCell[];
}

export interface GroupReading {
  group: string;
  rows: GroupRow[];
  /** Values received (varbind-counts.ts): each one is then `parsed` (in `rows`) or `dropped`. */
  varbinds: number;
  parsed: number;
  dropped: Partial<Record<VarbindDropReason, number>>;
  requests: number;
  /** Objects the agent does not have (noSuchObject/noSuchInstance, or v1 noSuchName). */
  missing: number;
  fallback?: string;
}

/**
 * Part of a table's rows, by index: the rows under the index prefix `within` (`3` = every row of
 * historyControlIndex 3 in etherHistoryTable), optionally only those after index `after`
 * (`3.41`). Row indexes stay relative to the column (`3.42`), as in a whole-table read.
 */
export interface RowRange {
  within: string;
  after?: string;
}

/**
 * Reads one metric group from one agent: scalars with one GET, the table with one walk of all
 * its columns side by side; a column with no rows is retried on its fallback (SNMPv1 agents and
 * old devices have ifInOctets but no ifHCInOctets). With `range`, only those rows of the table.
 */
export async function pollGroup(session: SnmpSession, group: MetricGroup, walk: WalkOptions, range?: RowRange): Promise<GroupReading> {
  const reading: GroupReading = { group: group.name, rows: [], varbinds: 0, parsed: 0, dropped: {}, requests: 0, missing: 0 };
  try {
    await readGroup(session, group, walk, reading, range);
  } catch (err) {
    // what this group read before failing is received and lost with the group
    const lost = reading.varbinds + varbindsReadBefore(err);
    if (err instanceof SnmpError && lost > 0) err.context['varbinds'] = lost;
    throw err;
  }
  return reading;
}

async function readGroup(session: SnmpSession, group: MetricGroup, walk: WalkOptions, reading: GroupReading, range: RowRange | undefined): Promise<void> {
  if (group.scalars.length > 0) {
    const cells = await getScalars(session, group.scalars, reading);
    reading.rows.push({ index: '', cells });
  }
  if (group.table) {
    const columns = group.table.columns;
    const sub = (oid: string) => (range ? `${oid}.${range.within}` : oid);
    const from = (oid: string) => (range?.after === undefined ? undefined : `${oid}.${range.after}`);
    const walkOf = (oids: string[]) => {
      const starts = oids.map(from);
      return walkColumns(session, oids.map(sub), walk, starts.every((o) => o !== undefined) ? (starts as string[]) : undefined);
    };
    const result = await walkOf(columns.map((c) => c.oid));
    reading.requests += result.requests;
    reading.varbinds += result.varbinds;
    if (result.fallback) reading.fallback = result.fallback;
    const perColumn: Array<{ object: MetricObject; name: string; base: string; vbs: Varbind[] }> = columns.map((object, i) => ({
      object, name: object.name, base: object.oid, vbs: result.columns[i] ?? [],
    }));
    const needFallback = perColumn.filter((c) => c.vbs.length === 0 && c.object.fallback);
    if (needFallback.length > 0) {
      const fb = await walkOf(needFallback.map((c) => c.object.fallback?.oid ?? c.base));
      reading.requests += fb.requests;
      reading.varbinds += fb.varbinds;
      needFallback.forEach((c, i) => {
        c.base = c.object.fallback?.oid ?? c.base;
        c.name = c.object.fallback?.name ?? c.name;
        c.vbs = fb.columns[i] ?? [];
      });
    }
    const rows = new Map<string, GroupRow>();
    for (const col of perColumn) {
      const prefixLength = col.base.length + 1;
      for (const vb of col.vbs) {
        if (!acceptsValue(col.object, vb)) {
          dropVarbinds(reading, 'malformed');
          continue;
        }
        reading.parsed++;
        const index = vb.oid.slice(prefixLength);
        let row = rows.get(index);
        if (!row) rows.set(index, (row = { index, cells: [] }));
        row.cells.push({ object: col.object, name: col.name, vb });
      }
    }
    reading.rows.push(...rows.values());
  }
}

async function getScalars(session: SnmpSession, objects: readonly MetricObject[], reading: GroupReading): Promise<GroupCell[]> {
  let pending = [...objects];
  // SNMPv1 fails the whole GET with noSuchName naming one OID (RFC 1157 §4.1.2): drop it, retry.
  for (let attempt = 0; attempt <= objects.length; attempt++) {
    try {
      reading.requests++;
      const vbs = await session.get(pending.map((o) => o.oid));
      const cells: GroupCell[] = [];
      vbs.forEach((vb, i) => {
        const object = pending[i];
        if (!object) return;
        reading.varbinds++;
        if (isException(vb.type)) {
          reading.missing++;
          dropVarbinds(reading, 'unsupported');
        } else if (!acceptsValue(object, vb)) dropVarbinds(reading, 'malformed');
        else {
          reading.parsed++;
          cells.push({ object, name: object.name, vb });
        }
      });
      return cells;
    } catch (err) {
      if (!isSnmpError(err, 'no-such-name')) throw err;
      const oid = /NoSuchName: ([0-9.]+)/.exec(err.message)?.[1];
      const before = pending.length;
      pending = pending.filter((o) => o.oid !== oid);
      reading.missing++;
      if (pending.length === before || pending.length === 0) return [];
    }
  }
  throw new SnmpError('agent-error', `device ${session.target.device}: GET kept failing with noSuchName`, session.context());
}
