import type { ClickHouseClient } from '@clickhouse/client';
import type { StoreTarget } from './clickhouse-event-store';

/** A @clickhouse/client and what it points at: what each connection factory returns. */
export interface StoreConnection {
  client: ClickHouseClient;
  target: StoreTarget;
}
