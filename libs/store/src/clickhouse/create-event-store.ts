import { Registry } from 'prom-client';
import { createChdbStoreConnection } from '../chdb/chdb-connection';
import { storeConfigSchema, type StoreConfig, type StoreConfigInput, type StoreType } from '../store.config';
import { StoreMetrics } from '../store.metrics';
import { ClickHouseEventStore, type ClickHouseEventStoreOptions } from './clickhouse-event-store';
import { createHttpConnection } from './http-connection';
import type { StoreConnection } from './store-connection';

/** Connections keyed by `store.type` (style rule 6): the one place that knows both. */
export const STORE_CONNECTIONS: Record<StoreType, (config: StoreConfig) => StoreConnection> = {
  chdb: createChdbStoreConnection,
  clickhouse: createHttpConnection,
};

export interface CreateEventStoreOptions extends ClickHouseEventStoreOptions {
  /** Where the store's metrics go (the service's METRICS_REGISTRY); a private registry if omitted. */
  metrics?: StoreMetrics;
}

export function createEventStore(config: StoreConfigInput | StoreConfig, options: CreateEventStoreOptions = {}): ClickHouseEventStore {
  const parsed = storeConfigSchema.parse(config);
  const { client, target, insertEncoded } = STORE_CONNECTIONS[parsed.type](parsed);
  const metrics = options.metrics ?? new StoreMetrics(new Registry());
  return new ClickHouseEventStore(client, parsed, target, metrics, {
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(insertEncoded ? { insertEncoded } : {}),
  });
}
