import { deviceTagsSql, devicesSql } from './devices-table';
import { icmpRollupsSql } from './icmp-rollups';
import { metricRollupsV2Sql } from './rollups-v2';
import { addedColumnsSql, eventTablesSql, rollupsSql, ttlByReceivedAtSql, type SchemaSettings } from './schema-ddl';

/**
 * Versioned migrations, applied in order and recorded in `schema_migrations`. Append only:
 * a released migration never changes (a new version alters what an old one created).
 * Every statement is idempotent (IF NOT EXISTS), so a crash between a statement and its ledger
 * row is repaired by running the migration again.
 */
export interface Migration {
  version: number;
  name: string;
  statements(s: SchemaSettings): string[];
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'event-tables', statements: eventTablesSql },
  { version: 2, name: 'metric-rollups', statements: rollupsSql },
  { version: 3, name: 'ttl-by-received-at', statements: ttlByReceivedAtSql },
  { version: 4, name: 'alert-state-transitions', statements: addedColumnsSql(4) },
  { version: 5, name: 'rollups-by-site-and-type', statements: metricRollupsV2Sql },
  { version: 6, name: 'icmp-rollups', statements: icmpRollupsSql },
  { version: 7, name: 'devices', statements: devicesSql },
  { version: 8, name: 'trap-uptime-seconds', statements: addedColumnsSql(8) },
  { version: 9, name: 'device-tags', statements: deviceTagsSql },
];
