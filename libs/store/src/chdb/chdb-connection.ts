import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ClickHouseLogLevel, createClient, parseError, type ClickHouseClientConfigOptions, type ClickHouseSettings } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { EncodedInsert, StoreConnection } from '../clickhouse/store-connection';
import type { StoreConfig } from '../store.config';

/**
 * Embedded ClickHouse (chDB, the 26.x engine in-process) behind the same @clickhouse/client.
 * chDB binds one data folder per process: a second store on another path fails while one is open.
 */
export function createChdbStoreConnection(config: StoreConfig): StoreConnection {
  const dir = path.resolve(config.chdb.path);
  mkdirSync(dir, { recursive: true });
  // chdb types its Connection against @clickhouse/client-common, the client bundles its own copy
  // of the same interface; they are the same contract (chdb/connection docs), not the same type.
  const chdb = createChdbConnection({ path: dir });
  const connection = chdb as unknown as NonNullable<ClickHouseClientConfigOptions['connection']>;
  return {
    client: createClient({ connection, log: { level: ClickHouseLogLevel.OFF } }),
    target: { type: 'chdb', where: `chdb:${dir}` },
    insertEncoded: rawInsert(chdb),
  };
}

/**
 * `INSERT INTO t (columns) SETTINGS … FORMAT JSONCompactEachRow` with the body passed as bytes
 * (chdb's raw insert: no copy into a SQL string, the engine's parser reads it). The settings
 * are the statement's own, not session-wide SETs as through the client. Errors are reshaped
 * like the connection's (`Code: N. DB::Exception …` → ClickHouseError with its code), so the
 * store classifies them as for any other statement.
 */
function rawInsert(chdb: ReturnType<typeof createChdbConnection>): EncodedInsert {
  return async (table, columns, body, settings) => {
    try {
      await chdb.chdb.rawInsert({ table, columns: [...columns], values: body, format: 'JSONCompactEachRow', settings: statementSettings(settings) });
    } catch (err) {
      const mapped = parseError(err instanceof Error && err.message ? err.message : String(err));
      if (mapped !== err) (mapped as Error & { cause?: unknown }).cause = err;
      throw mapped;
    }
  };
}

function statementSettings(settings: ClickHouseSettings): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(settings)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  return out;
}
