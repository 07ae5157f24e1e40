import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import type { StoreTarget } from './clickhouse-event-store';
import type { EncodedFormat } from './insert-body';

/**
 * Hands an INSERT body already encoded (insert-body.ts: a Native block, or JSONCompactEachRow with
 * values in `columns` order) to the engine as bytes, with the insert's settings scoped to that
 * statement.
 */
export type EncodedInsert = (table: string, columns: readonly string[], body: Buffer, format: EncodedFormat, settings: ClickHouseSettings) => Promise<void>;

/** A @clickhouse/client and what it points at: what each connection factory returns. */
export interface StoreConnection {
  client: ClickHouseClient;
  target: StoreTarget;
  /**
   * chDB only: the engine's own raw insert. Through @clickhouse/client every insert into chDB
   * was a JSON-encoded stream turned back into one SQL string (statement, body and session-wide
   * SETs) and parsed by the engine as SQL: twice the CPU per row of handing it the bytes
   * (bench/store/RESULTS.md). The HTTP connection has none and inserts through the client.
   */
  insertEncoded?: EncodedInsert;
}
