import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ClickHouseLogLevel, createClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { StoreConnection } from '../clickhouse/store-connection';
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
  const connection = createChdbConnection({ path: dir }) as unknown as NonNullable<ClickHouseClientConfigOptions['connection']>;
  return {
    client: createClient({ connection, log: { level: ClickHouseLogLevel.OFF } }),
    target: { type: 'chdb', where: `chdb:${dir}` },
  };
}
