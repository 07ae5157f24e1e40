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
   * The event tables' inserts, as the bytes insert-body.ts encoded (Native where it can). chDB:
   * read by the engine FROM INFILE — through @clickhouse/client every insert into chDB was a
   * JSON-encoded stream turned back into one SQL string and parsed by the engine as SQL, twice
   * the CPU per row (bench/store/RESULTS.md). HTTP: the body of `INSERT … FORMAT X`.
   * Without one the store inserts JSON through the client.
   */
  insertEncoded?: EncodedInsert;
}
