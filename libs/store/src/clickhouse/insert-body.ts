import type { Row } from '../event-store';
import { EVENT_TABLES, type ColumnSpec } from '../schema/event-tables';
import { columnNames, encodeCompactRows } from './compact-rows';
import { encodeNativeBlock, splitArguments } from './native-block';

/** The formats the connection's own insert (chDB, store-connection.ts) reads. */
export type EncodedFormat = 'Native' | 'JSONCompactEachRow';

export interface InsertBody {
  columns: string[];
  body: Buffer;
  format: EncodedFormat;
}

/**
 * An event table's rows as Native when every column they carry is one of the table's and each
 * value encodes (native-block.ts), else as JSONCompactEachRow: the columns are the same either
 * way (every key that appears, in first-seen order), and so are the rows the table ends up with.
 * `table` is without its database.
 */
export function encodeInsertBody(table: string, rows: readonly Row[]): InsertBody {
  const spec = EVENT_TABLES.find((t) => t.table === table);
  if (spec) {
    const columns = columnNames(rows);
    const types = insertableColumns(spec.columns);
    const specs: ColumnSpec[] = [];
    for (const name of columns) {
      const column = types.get(name);
      if (!column) break;
      specs.push(column);
    }
    const body = specs.length === columns.length ? encodeNativeBlock(specs, rows) : undefined;
    if (body) return { columns, body, format: 'Native' };
  }
  return { ...encodeCompactRows(rows), format: 'JSONCompactEachRow' };
}

const insertable = new Map<readonly ColumnSpec[], Map<string, ColumnSpec>>();

/**
 * A table's columns by the names an INSERT gives them: a `Nested(a T, b U)` column `n` is
 * inserted as its arrays `n.a Array(T)` and `n.b Array(U)`, as the rows carry it.
 */
function insertableColumns(columns: readonly ColumnSpec[]): Map<string, ColumnSpec> {
  let byName = insertable.get(columns);
  if (!byName) {
    byName = new Map();
    for (const column of columns) {
      const nested = /^Nested\((.*)\)$/s.exec(column.type);
      if (!nested) {
        byName.set(column.name, column);
        continue;
      }
      for (const field of splitArguments(nested[1] as string)) {
        const space = field.indexOf(' ');
        const name = `${column.name}.${field.slice(0, space)}`;
        byName.set(name, { name, type: `Array(${field.slice(space + 1).trim()})` });
      }
    }
    insertable.set(columns, byName);
  }
  return byName;
}
