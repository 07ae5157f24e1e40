import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { EventKind } from '@sonde/events/event-kind';
import type { EventStore, InsertOptions, InsertReport, MigrationReport, Row } from '../event-store';
import { EVENT_TABLES } from '../schema/event-tables';
import { compactWithNames, type InsertFormat } from './compact-rows';
import { encodeInsertBody } from './insert-body';
import type { EncodedInsert } from './store-connection';
import { RetriesExhausted, withRetries } from '../retry';
import { batchRows, type TableRows } from '../rows/event-rows';
import { migrate, type SqlRunner } from '../schema/migrator';
import type { StoreConfig, StoreType } from '../store.config';
import { classifyFailure, StoreError } from '../store-error';
import type { StoreMetrics } from '../store.metrics';

/** Which server a store talks to, for error context and logs (never with credentials). */
export interface StoreTarget {
  type: StoreType;
  /** URL without user info, or `chdb:<path>`. */
  where: string;
}

/** Insert settings the store sets explicitly when the server knows them (see insertSettings). */
const PROBED_SETTINGS = [
  'async_insert',
  'insert_deduplicate',
  'insert_deduplication_token',
  'deduplicate_blocks_in_dependent_materialized_views',
] as const;

export interface ClickHouseEventStoreOptions {
  /** Backoff sleep (tests may shorten it; the default is a timer). */
  sleep?: (ms: number) => Promise<void>;
  /** The connection's raw insert (chDB, store-connection.ts): the compact event-table inserts go through it. */
  insertEncoded?: EncodedInsert;
}

/**
 * The one EventStore: @clickhouse/client over either connection (HTTP server or embedded chDB;
 * see create-event-store.ts). Every call retries transient failures with backoff and throws
 * StoreError with table and target in its context.
 */
export class ClickHouseEventStore implements EventStore {
  private supportedSettings: Promise<ReadonlySet<string>> | undefined;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly config: StoreConfig,
    readonly target: StoreTarget,
    private readonly metrics: StoreMetrics,
    private readonly options: ClickHouseEventStoreOptions = {},
  ) {}

  migrate(): Promise<MigrationReport> {
    const runner: SqlRunner = {
      command: (sql) => this.command(sql),
      select: (sql) => this.query(sql),
      insertRows: (table, rows) => this.insertRows(table, rows),
    };
    return migrate(runner, this.config);
  }

  /**
   * One INSERT per table the batch touches, in a stable order. With a token, each table's
   * insert carries `${token}/${table}`: the same batch retried (after a timeout, a crash, a
   * redelivery cut at the same offsets) is dropped by ClickHouse instead of written twice.
   */
  async insert(events: readonly SondeEvent[], options: InsertOptions = {}): Promise<InsertReport> {
    const deduplicatedKinds = new Set<EventKind>();
    // one clock reading per batch: the rows (and so a retried block) stay the same
    for (const { table, rows } of batchRows(events, Date.now())) {
      const qualified = `${this.config.database}.${table}`;
      if (options.mayBeRedelivered && options.dedupToken && (await this.alreadyStored(qualified, table, rows))) {
        const kind = EVENT_TABLES.find((t) => t.table === table)?.kind;
        if (kind) deduplicatedKinds.add(kind);
      }
      // inserted even when already stored: the token makes ClickHouse drop it, and a block
      // whose check raced a concurrent insert is still written exactly once
      await this.insertRows(qualified, rows, options, 'JSONCompactEachRowWithNames');
    }
    return { deduplicatedKinds };
  }

  async insertTableRows(tables: readonly TableRows[], options: Omit<InsertOptions, 'mayBeRedelivered'> = {}): Promise<void> {
    for (const { table, rows } of tables) await this.insertRows(`${this.config.database}.${table}`, rows, options, 'JSONCompactEachRowWithNames');
  }

  async storedEventIds(tables: readonly TableRows[]): Promise<ReadonlySet<string>> {
    const stored = new Set<string>();
    for (const { table, rows } of tables) {
      for (const id of await this.storedIds(`${this.config.database}.${table}`, table, rows)) stored.add(id);
    }
    return stored;
  }

  /** Whether every event id of these rows is in the table already (the block was inserted under this token before). */
  private async alreadyStored(table: string, label: string, rows: readonly Row[]): Promise<boolean> {
    const ids = new Set(rows.map((r) => String(r.id).toLowerCase()));
    const found = await this.storedIds(table, label, rows);
    return found.size >= ids.size;
  }

  /**
   * The event ids of these rows found in the table. Looked up by device_id, the first column of
   * every sorting key, so it reads only the granules of the batch's devices. Only asked for
   * possible redeliveries.
   */
  private async storedIds(table: string, label: string, rows: readonly Row[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const ids = [...new Set(rows.map((r) => String(r.id)))];
    const devices = [...new Set(rows.map((r) => String(r.device_id)))];
    try {
      const found = await this.retrying(label, async () => {
        const result = await this.client.query({
          query: `SELECT DISTINCT toString(id) AS stored_id FROM ${table} WHERE device_id IN {devices:Array(String)} AND id IN {ids:Array(UUID)}`,
          query_params: { devices, ids },
          format: 'JSONEachRow',
        });
        return result.json<{ stored_id: string }>();
      });
      return new Set(found.map((r) => r.stored_id.toLowerCase()));
    } catch (err) {
      throw this.storeError(err, label, `dedup check on ${table}`);
    }
  }

  /**
   * Inserts rows into any table (`db.table`), with the store's retries, settings and metrics.
   * insert() uses it per event table; the transport tests use it on a table an old server knows.
   */
  async insertRows(table: string, rows: readonly Row[], options: InsertOptions = {}, format: InsertFormat = 'JSONEachRow'): Promise<void> {
    if (rows.length === 0) return;
    // metrics and error context name the table without its database
    const label = table.slice(table.lastIndexOf('.') + 1);
    const started = performance.now();
    try {
      const settings = await this.insertSettings(label, options.dedupToken);
      const encoded = this.options.insertEncoded;
      let send: () => Promise<void>;
      if (format === 'JSONEachRow') send = () => this.client.insert({ table, values: rows as Row[], format, clickhouse_settings: settings }).then(() => undefined);
      else if (encoded) {
        // encoded once: a retry sends the same bytes
        const { columns, body, format: bodyFormat } = encodeInsertBody(label, rows);
        send = () => encoded(table, columns, body, bodyFormat, settings);
      } else send = () => this.client.insert({ table, values: compactWithNames(rows), format, clickhouse_settings: settings }).then(() => undefined);
      await (options.retry === false ? send() : this.retrying(label, send));
      this.metrics.rowsInserted.inc({ table: label }, rows.length);
    } catch (err) {
      const error = this.storeError(err, label, `insert into ${table}`);
      this.metrics.insertErrors.inc({ table: label, code: error.code });
      throw error;
    } finally {
      this.metrics.insertDuration.observe({ table: label }, (performance.now() - started) / 1000);
    }
  }

  async query<T extends Row = Row>(sql: string, params?: Record<string, unknown>): Promise<T[]> {
    try {
      await this.selectDatabase();
      return await this.retrying('query', async () => {
        const result = await this.client.query({
          query: sql,
          format: 'JSONEachRow',
          // Same answer from both connections: 64-bit integers as strings (no precision loss
          // past 2^53). A server defaults to that, chDB does not.
          clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
          ...(params ? { query_params: params } : {}),
        });
        return result.json<T>();
      });
    } catch (err) {
      throw this.storeError(err, 'query', 'query');
    }
  }

  private databaseSelected = false;

  /**
   * Unqualified table names (`FROM snmp_metric`, as `sonde query` users and Grafana write them)
   * resolve in the store's database. Over HTTP the client sends it with every request; a chDB
   * session has no such parameter, but keeps a `USE` — once the database exists.
   */
  private async selectDatabase(): Promise<void> {
    if (this.databaseSelected || this.target.type !== 'chdb') return;
    const found = await this.client.query({
      query: 'SELECT count() AS n FROM system.databases WHERE name = {db:String}',
      query_params: { db: this.config.database },
      format: 'JSONEachRow',
    });
    const [row] = await found.json<{ n: number | string }>();
    if (Number(row?.n) === 0) return;
    await this.client.command({ query: `USE \`${this.config.database}\`` });
    this.databaseSelected = true;
  }

  /** A statement without a result (DDL). */
  async command(sql: string): Promise<void> {
    try {
      await this.retrying('query', () => this.client.command({ query: sql }));
    } catch (err) {
      throw this.storeError(err, 'query', 'command');
    }
  }

  /** One `SELECT 1`, no retries: it checks reachability and credentials (HTTP /ping checks neither user nor password). */
  async ping(): Promise<void> {
    try {
      const result = await this.client.query({ query: 'SELECT 1', format: 'JSONEachRow' });
      await result.json();
    } catch (err) {
      throw this.storeError(err, 'ping', 'ping');
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /**
   * Settings of every insert, set explicitly (design.md §4): ClickHouse 26.3 turned
   * `async_insert` on by default, and an async insert acknowledges before the data is in a part
   * and dedups differently. The token is always sent, empty when there is none: chDB applies
   * settings as session-wide SETs, so an earlier token would otherwise stick to later inserts.
   * A server that does not know a setting (18.16 knows none of these but insert_deduplicate)
   * would reject the whole insert, so only known settings are sent.
   */
  private async insertSettings(table: string, dedupToken: string | undefined): Promise<ClickHouseSettings> {
    const known = await this.knownSettings();
    const settings: ClickHouseSettings = {};
    if (known.has('async_insert')) settings.async_insert = 0;
    if (known.has('insert_deduplicate')) settings.insert_deduplicate = 1;
    if (known.has('deduplicate_blocks_in_dependent_materialized_views')) {
      settings.deduplicate_blocks_in_dependent_materialized_views = 1;
    }
    if (known.has('insert_deduplication_token')) {
      settings.insert_deduplication_token = dedupToken ? `${dedupToken}/${table}` : '';
    } else if (dedupToken) {
      this.metrics.dedupTokenUnsupported.inc({ table });
    }
    return settings;
  }

  private knownSettings(): Promise<ReadonlySet<string>> {
    // Raw (not through query()): a failure here surfaces as the failure of the insert that
    // needed it, with that insert's table in the error context.
    const sql = `SELECT name FROM system.settings WHERE name IN (${PROBED_SETTINGS.map((s) => `'${s}'`).join(', ')})`;
    this.supportedSettings ??= this.retrying('query', async () => {
      const result = await this.client.query({ query: sql, format: 'JSONEachRow' });
      return result.json<{ name: string }>();
    }).then(
      (rows) => new Set(rows.map((r) => r.name)),
      (err: unknown) => {
        this.supportedSettings = undefined;
        throw err;
      },
    );
    return this.supportedSettings;
  }

  private retrying<T>(table: string, op: () => Promise<T>): Promise<T> {
    return withRetries(op, this.config.retry, {
      isTransient: (err) => classifyFailure(err).transient,
      onRetry: () => this.metrics.retries.inc({ table }),
      ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
    });
  }

  private storeError(err: unknown, table: string, what: string): StoreError {
    if (err instanceof StoreError) return err;
    const exhausted = err instanceof RetriesExhausted ? err : undefined;
    const failure = classifyFailure(exhausted ? exhausted.lastError : err);
    const code = exhausted ? 'unavailable' : failure.code;
    const context = {
      table,
      store: this.target.type,
      target: this.target.where,
      attempts: exhausted?.attempts ?? 1,
      ...(failure.serverCode === undefined ? {} : { serverCode: failure.serverCode }),
    };
    const after = exhausted ? ` after ${exhausted.attempts} attempts` : '';
    return new StoreError(code, `${what} at ${this.target.where} failed${after} (${code}): ${failure.message}`, context, {
      cause: exhausted ? exhausted.lastError : err,
    });
  }
}
