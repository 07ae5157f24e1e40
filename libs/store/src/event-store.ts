import type { SondeEvent } from '@sonde/events/sonde-event';

export interface InsertOptions {
  /**
   * Deterministic identity of this batch. A retried insert with the same token writes
   * nothing new (per table: the store derives `${token}/${table}`).
   */
  dedupToken?: string;
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
  insert(events: readonly SondeEvent[], options?: InsertOptions): Promise<void>;
  query<T extends Row = Row>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
