/**
 * `INSERT … FORMAT Native` (clickhouse-go's batches) and RowBinaryWithNamesAndTypes carry binary
 * rows after the query. chDB takes SQL text only, and its raw-insert API is limited to text
 * formats, so such an insert becomes `INSERT INTO t (…) SELECT * FROM format(Native, '…')`
 * with every byte of the rows as a `\xHH` escape in the literal (ClickHouse string literals
 * are byte strings: the escapes survive any byte, UTF-8 or not). The engine's own Native
 * reader then parses them, as a server's input format would.
 */
/** Binary formats that describe their own columns, so format() needs no structure. */
const BINARY_INPUT_FORMATS: ReadonlySet<string> = new Set(['native', 'rowbinarywithnamesandtypes']);

const INSERT_FORMAT = /^\s*INSERT\s+INTO\s+([\s\S]+?)\s+FORMAT\s+([A-Za-z0-9_]+)\s*;?\s*$/i;

const HEX = Array.from({ length: 256 }, (_, b) => `\\x${b.toString(16).padStart(2, '0')}`);

/** The rewritten statement when `query` is an INSERT in a binary format and rows follow; else undefined. */
export function binaryInsertSql(query: string, rows: Uint8Array): string | undefined {
  if (rows.length === 0) return undefined;
  const m = INSERT_FORMAT.exec(query);
  if (!m?.[1] || !m[2] || !BINARY_INPUT_FORMATS.has(m[2].toLowerCase())) return undefined;
  const literal = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) literal[i] = HEX[rows[i] ?? 0] ?? '';
  return `INSERT INTO ${m[1]} SELECT * FROM format(${m[2]}, '${literal.join('')}')`;
}
