/**
 * Raw SQL in, the engine's own bytes out, in any ClickHouse output format (Native, RowBinary,
 * JSON, TSV …). The port behind `sonde up`'s ClickHouse HTTP interface; the chDB adapter is
 * `chdb/chdb-sql-engine.ts`. Unlike the EventStore port it does not parse results.
 */
export interface SqlRunOptions {
  /** Output format when the SQL has no FORMAT clause (ClickHouse's `default_format`). */
  format: string;
  /** Database unqualified names resolve in. */
  database: string;
  /** Per-query settings, already checked against the caller's allow-list. */
  settings: Readonly<Record<string, string>>;
  /** Refuse writes and DDL (ClickHouse `readonly = 2`: settings may still change). */
  readonly: boolean;
  /** Keeps temporary tables and settings across requests with the same id (ClickHouse `session_id`). */
  sessionId?: string;
  /** `{name:Type}` query parameters (`param_name=` in the URL), as the text ClickHouse parses. */
  params?: Readonly<Record<string, string>>;
  /**
   * The rows of `INSERT INTO … FORMAT <name>` (the request body after a query in the URL), in
   * that format, text or binary: the engine reads them as a server reads an insert's data.
   */
  data?: Uint8Array;
}

export interface SqlResult {
  data: Uint8Array;
  rowsRead: number;
  bytesRead: number;
  elapsedMs: number;
}

export interface SqlEngine {
  run(sql: string, options: SqlRunOptions): Promise<SqlResult>;
  /** Version, revision and timezone the engine reports, for response headers. */
  describe(): Promise<{ version: string; timezone: string }>;
  close(): Promise<void>;
}

/**
 * `INSERT INTO <target> [SETTINGS …] FORMAT <name>`: a statement whose rows follow it (`data`).
 * Groups: the statement up to the target and columns, its SETTINGS clause, the format.
 */
export const INSERT_WITH_FORMAT = /^\s*(INSERT\s+INTO\s+[\s\S]+?)(\s+SETTINGS\s+[\s\S]+?)?\s+FORMAT\s+([A-Za-z0-9_]+)\s*;?\s*$/i;
