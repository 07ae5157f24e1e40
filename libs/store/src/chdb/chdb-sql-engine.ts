import { mkdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Session } from 'chdb';
import { INSERT_FILES, stringLiteral } from '../clickhouse/insert-statement';
import { INSERT_WITH_FORMAT, type SqlEngine, type SqlResult, type SqlRunOptions } from '../sql-engine';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;


/**
 * The statement that reads an insert's data from `file`: `INSERT INTO t (…) FROM INFILE 'file'
 * [SETTINGS …] FORMAT X`, ClickHouse's order of the clauses. Anything but an INSERT ending in a
 * FORMAT clause is refused as ClickHouse refuses data after a statement that takes none.
 */
export function infileInsertSql(sql: string, file: string): string {
  const m = INSERT_WITH_FORMAT.exec(sql);
  if (!m?.[1] || !m[3] || /\b(FROM\s+INFILE|VALUES|SELECT)\b/i.test(m[1])) {
    throw new Error('Code: 62. DB::Exception: Data was sent after a statement that is not INSERT INTO … FORMAT <name>. (SYNTAX_ERROR)');
  }
  return `${m[1]} FROM INFILE ${stringLiteral(file)}${m[2] ?? ''} FORMAT ${m[3]}`;
}

/** Per process: the store's own insert files in the same folder are named `<pid>-<seq>`. */
let httpInsertSeq = 0;

interface KeptSession {
  session: Session;
  idleTimer: NodeJS.Timeout;
  busy: boolean;
}

/**
 * Runs SQL in chDB on the store's data folder (libchdb binds one folder per process; every
 * Session on that path shares it). Each request gets a fresh Session: chDB applies settings as
 * session-wide SETs, so a request's settings (and `readonly`) must not leak into the next
 * request or into the store's own session. Measured: a Session costs ~5 ms to open. A request
 * with a `session_id` keeps its Session for `sessionTimeoutMs` after its last use, like
 * ClickHouse's HTTP sessions (temporary tables, SETs); a second request while one runs is
 * refused, as ClickHouse answers SESSION_IS_LOCKED.
 */
export class ChdbSqlEngine implements SqlEngine {
  private readonly sessions = new Map<string, KeptSession>();
  private readonly dir: string;

  constructor(
    chdbPath: string,
    private readonly sessionTimeoutMs = 60_000,
  ) {
    this.dir = path.resolve(chdbPath);
    mkdirSync(path.join(this.dir, INSERT_FILES), { recursive: true });
  }

  async run(sql: string, options: SqlRunOptions): Promise<SqlResult> {
    if (!IDENT.test(options.database)) throw new Error(`Code: 81. DB::Exception: Database ${options.database} does not exist. (UNKNOWN_DATABASE)`);
    const kept = options.sessionId === undefined ? undefined : this.keptSession(options.sessionId);
    const session = kept?.session ?? new Session(this.dir);
    try {
      // readonly first: a request's own SETs then cannot lift it (readonly = 2 forbids that)
      const setup = [options.readonly ? 'SET readonly = 2' : '', `USE \`${options.database}\``];
      for (const [k, v] of Object.entries(options.settings)) {
        if (!IDENT.test(k)) throw new Error(`Code: 115. DB::Exception: Unknown setting ${k}. (UNKNOWN_SETTING)`);
        setup.push(`SET ${k} = ${stringLiteral(v)}`);
      }
      for (const stmt of setup) if (stmt) await session.queryAsync(stmt, { format: 'TSV' });
      const started = performance.now();
      if (options.data) return { ...(await this.insertData(session, sql, options.data)), elapsedMs: performance.now() - started };
      const result =
        options.params && Object.keys(options.params).length > 0
          ? await session.queryBindAsync(sql, options.params, { format: options.format })
          : await session.queryAsync(sql, { format: options.format });
      return { data: result.bytes(), rowsRead: result.rowsRead, bytesRead: result.bytesRead, elapsedMs: performance.now() - started };
    } finally {
      if (kept) {
        kept.busy = false;
        kept.idleTimer.refresh();
      } else session.close();
    }
  }

  /**
   * An insert's data, written to a file in the data folder's `sonde-insert/` and read by the
   * engine with FROM INFILE, in its own format (Native, RowBinary…, JSON…): chDB takes no data
   * beside a statement, and rows joined to the SQL text had to be parsed as part of it (binary
   * ones as `\xHH` escapes in a format() literal, 4 bytes per byte). The same way the store
   * inserts (chdb-connection.ts); the file is removed whatever the outcome.
   */
  private async insertData(session: Session, sql: string, data: Uint8Array): Promise<Omit<SqlResult, 'elapsedMs'>> {
    const file = path.join(this.dir, INSERT_FILES, `${process.pid}-http-${++httpInsertSeq}`);
    const statement = infileInsertSql(sql, file);
    try {
      await writeFile(file, data);
      const result = await session.queryAsync(statement, { format: 'TSV' });
      return { data: result.bytes(), rowsRead: result.rowsRead, bytesRead: result.bytesRead };
    } finally {
      await rm(file, { force: true });
    }
  }

  private keptSession(id: string): KeptSession {
    const existing = this.sessions.get(id);
    if (existing) {
      if (existing.busy) throw new Error(`Code: 373. DB::Exception: Session ${id} is locked by a concurrent client. (SESSION_IS_LOCKED)`);
      existing.busy = true;
      return existing;
    }
    const session = new Session(this.dir);
    const idleTimer = setTimeout(() => {
      this.sessions.delete(id);
      session.close();
    }, this.sessionTimeoutMs);
    idleTimer.unref();
    const kept = { session, idleTimer, busy: true };
    this.sessions.set(id, kept);
    return kept;
  }

  async describe(): Promise<{ version: string; timezone: string }> {
    const session = new Session(this.dir);
    try {
      const [version = '', timezone = 'UTC'] = (await session.queryAsync('SELECT version(), timezone()', { format: 'TSV' })).text().trim().split('\t');
      return { version, timezone };
    } finally {
      session.close();
    }
  }

  async close(): Promise<void> {
    for (const { session, idleTimer } of this.sessions.values()) {
      clearTimeout(idleTimer);
      session.close();
    }
    this.sessions.clear();
  }
}
