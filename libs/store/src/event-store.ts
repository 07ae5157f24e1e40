import type { EventKind } from '@sonde/events/event-kind';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { TableRows } from './rows/event-rows';

export interface InsertOptions {
  /**
   * Deterministic identity of this batch. A retried insert with the same token writes
   * nothing new (per table: the store derives `${token}/${table}`).
   */
  dedupToken?: string;
  /**
   * The batch may have been inserted before (a redelivery after a crash, a rebalance or a
   * failed attempt): the store then checks, per table, whether the rows are already there, so
   * the caller can count what is new and what ClickHouse deduplicated (InsertReport).
   */
  mayBeRedelivered?: boolean;
  /**
   * false: one attempt, no `store.retry` backoff — for a caller that is itself the retry layer
   * (the event-writer: the bus redelivers the batch). Default true.
   */
  retry?: boolean;
}

export interface InsertReport {
  /**
   * Kinds whose rows were already stored under this token: ClickHouse dropped the insert.
   * Only known when `mayBeRedelivered` was set; otherwise empty (everything counted new).
   */
  deduplicatedKinds: ReadonlySet<EventKind>;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

export type Row = Record<string, unknown>;

/**
 * The Storage port: one implementation on @clickhouse/client with two connections
 * (HTTP server, or embedded chDB). Every method throws StoreError with a code:
 * `auth` (wrong credentials), `not-found` (unknown table/database), `unavailable`
 * (server down, after retries), `malformed` (bad SQL or data).
 */
export interface EventStore {
  migrate(): Promise<MigrationReport>;
  insert(events: readonly SondeEvent[], options?: InsertOptions): Promise<InsertReport>;
  /**
   * Rows already mapped (rows/event-rows.ts `batchRows`), one INSERT per table in the given
   * order, each carrying `${dedupToken}/${table}`. The event-writer builds the rows of a bus
   * batch while it waits for others to join its insert, and inserts several batches at once.
   */
  insertTableRows(tables: readonly TableRows[], options?: Omit<InsertOptions, 'mayBeRedelivered'>): Promise<void>;
  /** Event ids (lower-case UUIDs) of these rows that are in their table already. */
  storedEventIds(tables: readonly TableRows[]): Promise<ReadonlySet<string>>;
  query<T extends Row = Row>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
