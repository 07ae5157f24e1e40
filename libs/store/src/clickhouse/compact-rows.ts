import type { Row } from '../event-store';

/**
 * How rows travel in an INSERT. `JSONEachRow` repeats every column name in every row;
 * `JSONCompactEachRowWithNames` sends the names once and each row as an array: half the
 * bytes to write and to parse, 1.4-2x the rows/s into chDB (bench/store/RESULTS.md). The
 * event tables use the compact form (ClickHouse ≥ 20, as the schema needs anyway); insertRows
 * on other tables (18.16 in the transport tests) keeps JSONEachRow. RowBinary and Native are
 * not among the formats @clickhouse/client can encode.
 */
export type InsertFormat = 'JSONEachRow' | 'JSONCompactEachRowWithNames';

/**
 * The header row (every key that appears, in first-seen order) then one array per row; a key a
 * row lacks is sent as null, which ClickHouse reads as the column default
 * (input_format_null_as_default), as JSONEachRow treats a missing key.
 */
export function compactWithNames(rows: readonly Row[]): unknown[][] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const k in row) {
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
    }
  }
  const out: unknown[][] = new Array(rows.length + 1);
  out[0] = names;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Row;
    const values = new Array(names.length);
    for (let c = 0; c < names.length; c++) values[c] = row[names[c] as string] ?? null;
    out[i + 1] = values;
  }
  return out;
}

/** Every key that appears in the rows, in first-seen order: the insert's column list. */
export function columnNames(rows: readonly Row[]): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const k in row) {
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
    }
  }
  return names;
}

/**
 * The same rows as a JSONCompactEachRow body (the names go in the statement's column list):
 * one JSON array per line, UTF-8. JSON never holds a raw newline, so lines are rows. One pass,
 * one reused values array and one join (no array per row, no string grown row by row): the
 * writer's thread encodes while every partition waits for the insert (bench/store/RESULTS.md).
 */
export function encodeCompactRows(rows: readonly Row[]): { columns: string[]; body: Buffer } {
  const names = columnNames(rows);
  const width = names.length;
  const values: unknown[] = new Array(width);
  const lines: string[] = new Array(rows.length + 1);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Row;
    for (let c = 0; c < width; c++) values[c] = row[names[c] as string] ?? null;
    lines[i] = JSON.stringify(values);
  }
  lines[rows.length] = '';
  return { columns: names, body: Buffer.from(lines.join('\n'), 'utf8') };
}
