import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { ChdbSqlEngine } from '@sonde/store/chdb/chdb-sql-engine';
import { ClickHouseHttpHandler, type ClickHouseHttpOptions } from '../../src/clickhouse-http/clickhouse-http-handler';
import { clickhouseHttpConfigSchema, type ClickHouseHttpConfig } from '../../src/clickhouse-http/clickhouse-http.config';
import { ClickHouseHttpListener } from '../../src/clickhouse-http/clickhouse-http.listener';
import { ClickHouseHttpMetrics } from '../../src/clickhouse-http/clickhouse-http.metrics';

/** chDB binds one folder per process: every store and engine of a jest worker shares this one. */
export const CHDB_PATH = path.join(os.tmpdir(), `sonde-standalone-chdb-${process.pid}`);

export interface RunningInterface {
  url: string;
  /** host:port, for clickhouse-go */
  addr: string;
  registry: Registry;
  close(): Promise<void>;
}

/** The ClickHouse HTTP interface as `sonde up` wires it (engine, handler, listener), on a free loopback port. */
export async function startClickHouseHttp(
  options: Partial<ClickHouseHttpOptions> & { database: string },
  config: Partial<ClickHouseHttpConfig> = {},
): Promise<RunningInterface> {
  const parsed = clickhouseHttpConfigSchema.parse({ port: 0, ...config });
  const engine = new ChdbSqlEngine(CHDB_PATH, parsed.sessionTimeoutMs);
  const registry = new Registry();
  const handler = new ClickHouseHttpHandler(engine, { allowWrites: false, displayName: 'sonde-test', ...options }, new ClickHouseHttpMetrics(registry));
  const listener = new ClickHouseHttpListener(handler, parsed, pino({ enabled: false }));
  await listener.onApplicationBootstrap();
  const url = listener.url ?? '';
  return {
    url,
    addr: url.replace('http://', ''),
    registry,
    close: async () => {
      await listener.onApplicationShutdown();
      await engine.close();
    },
  };
}
