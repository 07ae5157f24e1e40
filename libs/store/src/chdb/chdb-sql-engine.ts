import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Session } from 'chdb';
import type { SqlEngine, SqlResult, SqlRunOptions } from '../sql-engine';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** ClickHouse quotes a string literal with `'` and escapes `\` and `'` with a backslash. */
const literal = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

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
    mkdirSync(this.dir, { recursive: true });
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
        setup.push(`SET ${k} = ${literal(v)}`);
      }
      for (const stmt of setup) if (stmt) await session.queryAsync(stmt, { format: 'TSV' });
      const started = performance.now();
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
