import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { StoreConfig } from '../store.config';
import { redactUrl } from '../store-error';
import type { StoreConnection } from './store-connection';

/** HTTP(S) to a ClickHouse server. The client's own logging is off: the store counts and reports. */
export function createHttpConnection(config: StoreConfig): StoreConnection {
  const c = config.clickhouse;
  return {
    client: createClient({
      url: c.url,
      username: c.username,
      password: c.password,
      request_timeout: c.requestTimeoutMs,
      max_open_connections: c.maxOpenConnections,
      log: { level: ClickHouseLogLevel.OFF },
    }),
    target: { type: 'clickhouse', where: redactUrl(c.url) },
  };
}
