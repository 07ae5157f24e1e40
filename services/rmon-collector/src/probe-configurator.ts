import type { SetVarbind } from '@sonde/snmp/session/net-snmp-varbind';
import type { SnmpSession } from '@sonde/snmp/session/snmp-session';
import { walkColumns, type WalkOptions } from '@sonde/snmp/walk/table-walk';
import { varbindText, type Varbind } from '@sonde/snmp/session/varbind';
import { planRows, type HeldRow } from './probe-row-plan';
import { PROBE_TABLES, rowKey, wantedRows, type ProbeTable, type WantedProbeRow } from './probe-tables';
import type { ProbeConfig, ProbeTableName } from './rmon-collector.config';

/** What the configurator needs of a probe's session: walk columns side by side, GET, SET. */
export interface ProbeSession {
  walk(bases: readonly string[]): Promise<Varbind[][]>;
  get(oids: string[]): Promise<Varbind[]>;
  set(varbinds: readonly SetVarbind[]): Promise<Varbind[]>;
}

/** A libs/snmp session as a ProbeSession (walks with the collector's walk options). */
export function probeSessionOf(session: SnmpSession, walk: WalkOptions): ProbeSession {
  return {
    walk: async (bases) => (await walkColumns(session, bases, walk)).columns,
    get: (oids) => session.get(oids),
    set: (vbs) => session.set(vbs),
  };
}

/** EntryStatus (RFC 2819 §2). */
const VALID = 1;
const CREATE_REQUEST = 2;
const INVALID = 4;

export interface ReconcileResult {
  device: string;
  created: Array<{ table: ProbeTableName; index: number; describe: string }>;
  removed: Array<{ table: ProbeTableName; index: number }>;
  /** Rows whose creation or removal failed; a failed creation was set invalid again. */
  failed: Array<{ table: ProbeTableName; index: number; describe: string; message: string }>;
  /** A table that could not be read: nothing was written to it this time. */
  unreadable: Array<{ table: ProbeTableName; message: string }>;
  noIndex: Array<{ table: ProbeTableName; describe: string }>;
}

/**
 * Probe configuration by SNMP SET through the RMON EntryStatus protocol (RFC 2819 §2, "Row
 * Addition Among Multiple Managers"): for each managed control table, read every row's owner
 * and status, create the wanted rows that are missing at free indexes (createRequest(2) → the
 * agent holds the row underCreation(3) → the columns and our owner → valid(1)), and set
 * invalid(4) the rows with our owner that are no longer wanted. Rows of any other owner are
 * never written. A creation that fails at any step sets the row invalid again, so no
 * half-created row is left; before a removal the owner is read again. No Nest here.
 */
export class ProbeConfigurator {
  constructor(private readonly config: Pick<ProbeConfig, 'owner' | 'tables' | 'devices'>) {}

  async reconcile(device: string, session: ProbeSession): Promise<ReconcileResult> {
    const result: ReconcileResult = { device, created: [], removed: [], failed: [], unreadable: [], noIndex: [] };
    const wants = this.config.devices.find((d) => d.device === device);
    for (const name of this.config.tables) {
      const table = PROBE_TABLES[name];
      let held: HeldRow[];
      try {
        held = await this.read(table, session);
      } catch (err) {
        result.unreadable.push({ table: name, message: messageOf(err) });
        continue;
      }
      const plan = planRows(wantedRows(wants, name), held, this.config.owner);
      for (const index of plan.remove) {
        try {
          if (await this.remove(table, index, session)) result.removed.push({ table: name, index });
        } catch (err) {
          result.failed.push({ table: name, index, describe: `removal of row ${index}`, message: messageOf(err) });
        }
      }
      for (const { index, row } of plan.create) {
        try {
          await this.create(table, index, row, session);
          result.created.push({ table: name, index, describe: row.describe });
        } catch (err) {
          result.failed.push({ table: name, index, describe: row.describe, message: messageOf(err) });
        }
      }
      for (const row of plan.noIndex) result.noIndex.push({ table: name, describe: row.describe });
    }
    return result;
  }

  /** Every row of a control table: index, owner, status, and the key of its content. */
  private async read(table: ProbeTable, session: ProbeSession): Promise<HeldRow[]> {
    const columns = [table.owner, table.status, ...table.keyColumns];
    const walked = await session.walk(columns.map((c) => `${table.entry}.${c}`));
    const rows = new Map<number, Map<number, string>>();
    walked.forEach((vbs, i) => {
      const column = columns[i] as number;
      const prefix = `${table.entry}.${column}.`;
      for (const vb of vbs) {
        if (!vb.oid.startsWith(prefix)) continue;
        const index = Number(vb.oid.slice(prefix.length));
        if (!Number.isInteger(index)) continue;
        const row = rows.get(index) ?? new Map<number, string>();
        row.set(column, varbindText(vb));
        rows.set(index, row);
      }
    });
    return [...rows].map(([index, values]) => ({
      index,
      owner: values.get(table.owner) ?? '',
      status: Number(values.get(table.status) ?? 0),
      key: rowKey(table.keyColumns.map((c) => values.get(c) ?? '')),
    }));
  }

  private async create(table: ProbeTable, index: number, row: WantedProbeRow, session: ProbeSession): Promise<void> {
    const status = { oid: `${table.entry}.${table.status}.${index}`, type: 'Integer' as const };
    try {
      await session.set([{ ...status, value: CREATE_REQUEST }]);
    } catch (err) {
      // refused: nothing was created. A timeout may hide an applied createRequest: clean up only
      // a row that is not valid and carries no owner but ours (ours was not written yet).
      await this.cleanUpUnanswered(table, index, session).catch(() => undefined);
      throw err;
    }
    try {
      await session.set([
        ...row.columns.map((c) => ({ oid: `${table.entry}.${c.column}.${index}`, type: c.type, value: c.value })),
        { oid: `${table.entry}.${table.owner}.${index}`, type: 'OctetString', value: this.config.owner },
      ]);
      await session.set([{ ...status, value: VALID }]);
    } catch (err) {
      // our row (createRequest was accepted): never leave it underCreation
      await session.set([{ ...status, value: INVALID }]).catch(() => undefined);
      throw err;
    }
  }

  private async cleanUpUnanswered(table: ProbeTable, index: number, session: ProbeSession): Promise<void> {
    const [owner, status] = await session.get([`${table.entry}.${table.owner}.${index}`, `${table.entry}.${table.status}.${index}`]);
    if (!owner || !status || typeof status.value !== 'number') return;
    const ownerText = varbindText(owner);
    if (status.value !== VALID && (ownerText === '' || ownerText === this.config.owner)) {
      await session.set([{ oid: `${table.entry}.${table.status}.${index}`, type: 'Integer', value: INVALID }]);
    }
  }

  /** Sets one of our rows invalid, after reading its owner again; false when it is no longer ours. */
  private async remove(table: ProbeTable, index: number, session: ProbeSession): Promise<boolean> {
    const [owner] = await session.get([`${table.entry}.${table.owner}.${index}`]);
    if (!owner || varbindText(owner) !== this.config.owner) return false;
    await session.set([{ oid: `${table.entry}.${table.status}.${index}`, type: 'Integer', value: INVALID }]);
    return true;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
