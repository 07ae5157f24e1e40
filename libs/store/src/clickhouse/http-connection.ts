import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { StoreConfig } from '../store.config';
import { redactUrl } from '../store-error';
import { insertInto } from './insert-statement';
import type { EncodedInsert, StoreConnection } from './store-connection';

/** HTTP(S) to a ClickHouse server. The client's own logging is off: the store counts and reports. */
export function createHttpConnection(config: StoreConfig): StoreConnection {
  const c = config.clickhouse;
  const client = createClient({
    url: c.url,
    username: c.username,
    password: c.password,
    request_timeout: c.requestTimeoutMs,
    max_open_connections: c.maxOpenConnections,
    log: { level: ClickHouseLogLevel.OFF },
  });
  return { client, target: { type: 'clickhouse', where: redactUrl(c.url) }, insertEncoded: execInsert(client) };
}

/**
 * The store's encoded body (insert-body.ts: a Native block at protocol revision 0, which is what
 * a server reads from an HTTP body, or JSONCompactEachRow) as the body of `INSERT … FORMAT X`:
 * @clickhouse/client encodes only JSON and text formats itself, and its `exec` sends a body as
 * is. The answer is read to the end, so the socket goes back to the client's pool.
 */
function execInsert(client: ClickHouseClient): EncodedInsert {
  return async (table, columns, body, format, settings) => {
    const { stream } = await client.exec({ query: `${insertInto(table, columns)} FORMAT ${format}`, values: Readable.from([body]), clickhouse_settings: settings });
    for await (const _ of stream) void _;
  };
}
