import type { SetVarbind } from '@sonde/snmp/session/net-snmp-varbind';
import type { ProbeDeviceConfig, ProbeTableName } from './rmon-collector.config';
import type { WantedRow } from './probe-row-plan';

/** ifIndex.<n> of IF-MIB (RFC 2863): the data source of etherStats and historyControl rows. */
const IF_INDEX = '1.3.6.1.2.1.2.2.1.1';

/** A wanted row of one control table: its identity key and the column values to SET (without owner and status). */
export interface WantedProbeRow extends WantedRow {
  table: ProbeTableName;
  /** Column sub-identifier → typed value to write. */
  columns: Array<{ column: number; type: SetVarbind['type']; value: number | string }>;
  describe: string;
}

/**
 * The four RMON-MIB (RFC 2819) control tables a probe configuration writes: entry OID, the
 * owner and status columns, and the columns whose values make a row's identity.
 */
export interface ProbeTable {
  name: ProbeTableName;
  entry: string;
  owner: number;
  status: number;
  /** Columns read to compute the key of a held row, in key order. */
  keyColumns: number[];
}

export const PROBE_TABLES: Readonly<Record<ProbeTableName, ProbeTable>> = {
  // etherStatsEntry: 2 dataSource, 20 owner, 21 status
  etherStats: { name: 'etherStats', entry: '1.3.6.1.2.1.16.1.1.1', owner: 20, status: 21, keyColumns: [2] },
  // historyControlEntry: 2 dataSource, 3 bucketsRequested, 5 interval, 6 owner, 7 status
  history: { name: 'history', entry: '1.3.6.1.2.1.16.2.1.1', owner: 6, status: 7, keyColumns: [2, 3, 5] },
  // alarmEntry: 2 interval, 3 variable, 4 sampleType, 6 startupAlarm, 7/8 thresholds, 9/10 event indexes, 11 owner, 12 status
  alarm: { name: 'alarm', entry: '1.3.6.1.2.1.16.3.1.1', owner: 11, status: 12, keyColumns: [2, 3, 4, 6, 7, 8, 9, 10] },
  // eventEntry: 2 description, 3 type, 6 owner, 7 status
  event: { name: 'event', entry: '1.3.6.1.2.1.16.9.1.1', owner: 6, status: 7, keyColumns: [2, 3] },
};

const SAMPLE_TYPE = { absolute: 1, delta: 2 } as const;
const STARTUP = { rising: 1, falling: 2, risingOrFalling: 3 } as const;
const EVENT_TYPE = { none: 1, log: 2, 'snmp-trap': 3, 'log-and-trap': 4 } as const;

/** The key of a row from its key column values as text (the same text a held row's values give). */
export function rowKey(values: ReadonlyArray<string | number>): string {
  return JSON.stringify(values.map(String));
}

function wanted(table: ProbeTableName, describe: string, columns: WantedProbeRow['columns']): WantedProbeRow {
  const byColumn = new Map(columns.map((c) => [c.column, c.value]));
  return { table, describe, columns, key: rowKey(PROBE_TABLES[table].keyColumns.map((c) => byColumn.get(c) ?? '')) };
}

/** The rows a device config wants in one table. */
export function wantedRows(config: ProbeDeviceConfig | undefined, table: ProbeTableName): WantedProbeRow[] {
  if (!config) return [];
  switch (table) {
    case 'etherStats':
      return config.etherStats.map((r) => wanted(table, `etherStats on ifIndex ${r.ifIndex}`, [{ column: 2, type: 'OID', value: `${IF_INDEX}.${r.ifIndex}` }]));
    case 'history':
      return config.history.map((r) =>
        wanted(table, `historyControl on ifIndex ${r.ifIndex} (${r.buckets} × ${r.intervalS} s)`, [
          { column: 2, type: 'OID', value: `${IF_INDEX}.${r.ifIndex}` },
          { column: 3, type: 'Integer', value: r.buckets },
          { column: 5, type: 'Integer', value: r.intervalS },
        ]),
      );
    case 'event':
      return config.events.map((r) =>
        wanted(table, `event "${r.description}" (${r.type})`, [
          { column: 2, type: 'OctetString', value: r.description },
          { column: 3, type: 'Integer', value: EVENT_TYPE[r.type] },
        ]),
      );
    case 'alarm':
      return config.alarms.map((r) =>
        wanted(table, `alarm on ${r.variable} (${r.sampleType}, ${r.risingThreshold}/${r.fallingThreshold})`, [
          { column: 2, type: 'Integer', value: r.intervalS },
          { column: 3, type: 'OID', value: r.variable },
          { column: 4, type: 'Integer', value: SAMPLE_TYPE[r.sampleType] },
          { column: 6, type: 'Integer', value: STARTUP[r.startup] },
          { column: 7, type: 'Integer', value: r.risingThreshold },
          { column: 8, type: 'Integer', value: r.fallingThreshold },
          { column: 9, type: 'Integer', value: r.risingEvent },
          { column: 10, type: 'Integer', value: r.fallingEvent },
        ]),
      );
  }
}
