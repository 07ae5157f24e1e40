import { hostname } from 'node:os';
import { Module, type DynamicModule } from '@nestjs/common';
import type { Inventory } from '@sonde/inventory/inventory';
import { SONDE_INVENTORY } from '@sonde/inventory/inventory.tokens';
import { ChdbSqlEngine } from '@sonde/store/chdb/chdb-sql-engine';
import type { StoreConfig } from '@sonde/store/store.config';
import { METRICS_REGISTRY } from '@sonde/telemetry/telemetry.tokens';
import type { Registry } from 'prom-client';
import { ClickHouseHttpHandler } from './clickhouse-http-handler';
import { CLICKHOUSE_HTTP_CONFIG, CLICKHOUSE_HTTP_HANDLER, ClickHouseHttpListener } from './clickhouse-http.listener';
import type { ClickHouseHttpConfig } from './clickhouse-http.config';
import { ClickHouseHttpMetrics } from './clickhouse-http.metrics';

const SQL_ENGINE = 'CLICKHOUSE_HTTP_SQL_ENGINE';

/**
 * `sonde up`'s ClickHouse HTTP interface over the embedded chDB store. With `store.type:
 * clickhouse` there is a real server to point clients at, so nothing is served.
 */
@Module({})
export class ClickHouseHttpModule {
  static forRoot(config: ClickHouseHttpConfig, store: StoreConfig): DynamicModule {
    if (!config.enabled || store.type !== 'chdb') return { module: ClickHouseHttpModule };
    return {
      module: ClickHouseHttpModule,
      providers: [
        { provide: CLICKHOUSE_HTTP_CONFIG, useValue: config },
        {
          provide: SQL_ENGINE,
          useFactory: () => new ChdbSqlEngine(store.chdb.path, config.sessionTimeoutMs),
        },
        {
          provide: CLICKHOUSE_HTTP_HANDLER,
          useFactory: (engine: ChdbSqlEngine, inventory: Inventory, registry: Registry) => {
            const credential = config.credential === undefined ? undefined : inventory.credentialOfType(config.credential, 'basic');
            return new ClickHouseHttpHandler(
              engine,
              {
                database: store.database,
                allowWrites: config.allowWrites,
                ...(credential ? { credentials: { username: credential.username, password: credential.password.reveal() } } : {}),
                displayName: `sonde@${hostname()}`,
              },
              new ClickHouseHttpMetrics(registry),
            );
          },
          inject: [SQL_ENGINE, SONDE_INVENTORY, METRICS_REGISTRY],
        },
        ClickHouseHttpListener,
        { provide: 'CLICKHOUSE_HTTP_ENGINE_CLOSER', useFactory: (e: ChdbSqlEngine) => ({ onApplicationShutdown: () => e.close() }), inject: [SQL_ENGINE] },
      ],
      exports: [ClickHouseHttpListener],
    };
  }
}
