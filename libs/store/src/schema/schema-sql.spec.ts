import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { storeConfigSchema } from '../store.config';
import { schemaSql } from './migrator';
import { MIGRATIONS } from './migrations';

// Generated file, committed and diffed here (style rule 10): the DDL is code, the SQL is its output.
const SCHEMA_FILE = path.resolve(__dirname, '../../../../deploy/clickhouse/schema.sql');

describe('deploy/clickhouse/schema.sql', () => {
  const generated = schemaSql(storeConfigSchema.parse({}));

  it('is what the schema code generates (regenerate with SONDE_UPDATE_GENERATED=1)', () => {
    if (process.env.SONDE_UPDATE_GENERATED === '1') writeFileSync(SCHEMA_FILE, generated);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(generated);
  });

  it('numbers migrations uniquely and in order', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
  });

  it('sets a dedup window and a TTL on every MergeTree table', () => {
    const tables = generated.split(';').filter((s) => /ENGINE = (Aggregating)?MergeTree/.test(s));
    // 6 event tables, 4 rollups of migration 2 and their 4 replacements (migration 5), 2 ICMP rollups, devices
    expect(tables.length).toBe(17);
    for (const t of tables) {
      expect(t).toContain('non_replicated_deduplication_window = 1000');
      expect(t).toMatch(/TTL .* \+ INTERVAL \d+ DAY/);
    }
  });

  it('takes TTLs from the config', () => {
    const sql = schemaSql(storeConfigSchema.parse({ ttlDays: { syslogMessage: 7 } }));
    expect(sql).toMatch(/`syslog_message`[\s\S]*?TTL toDateTime\(ts\) \+ INTERVAL 7 DAY/);
  });
});
