import type { StoreConfig } from '../store.config';
import { EVENT_TABLES, ROLLED_UP_TABLES, ROLLUPS, type EventTableSpec, type RollupSpec } from './event-tables';

/** What the DDL depends on: the database, retention and the dedup window. */
export type SchemaSettings = Pick<StoreConfig, 'database' | 'ttlDays' | 'dedupWindow'>;

const q = (name: string): string => `\`${name}\``;

export function createDatabaseSql(s: SchemaSettings): string {
  return `CREATE DATABASE IF NOT EXISTS ${q(s.database)}`;
}

/**
 * The migrations ledger. ReplacingMergeTree so two replicas migrating at once (every statement
 * is IF NOT EXISTS) leave one row per version after merges; readers use DISTINCT anyway.
 */
export function createMigrationsTableSql(s: SchemaSettings): string {
  return [
    `CREATE TABLE IF NOT EXISTS ${q(s.database)}.${q('schema_migrations')}`,
    '(',
    '    `version` UInt32,',
    '    `name` String,',
    "    `applied_at` DateTime64(3, 'UTC') DEFAULT now64(3)",
    ')',
    'ENGINE = ReplacingMergeTree(applied_at)',
    'ORDER BY version',
  ].join('\n');
}

/**
 * One event table. `non_replicated_deduplication_window` makes a plain MergeTree remember the
 * last N insert tokens: without it `insert_deduplication_token` is silently ignored (design.md §4).
 */
export function createEventTableSql(spec: EventTableSpec, s: SchemaSettings): string {
  return [
    `CREATE TABLE IF NOT EXISTS ${q(s.database)}.${q(spec.table)}`,
    '(',
    spec.columns
      .filter((c) => c.addedIn === undefined)
      .map((c) => `    ${q(c.name)} ${c.type}`)
      .join(',\n'),
    ')',
    'ENGINE = MergeTree',
    'PARTITION BY toYYYYMMDD(ts)',
    `ORDER BY (${spec.orderBy.join(', ')})`,
    `TTL toDateTime(ts) + INTERVAL ${s.ttlDays[spec.ttl]} DAY`,
    `SETTINGS non_replicated_deduplication_window = ${s.dedupWindow}`,
  ].join('\n');
}

export function rollupTableName(source: string, rollup: RollupSpec): string {
  return `${source}_${rollup.suffix}`;
}

/**
 * Rollup target: per (device, metric, label set, bucket) min/max/sum/count and the last value.
 * avg = sum / count at query time, so buckets merge exactly. A Map cannot be a sorting key, so
 * the label set is keyed by its hash and kept beside it. The dedup window is set here too: a
 * retried insert that the source table drops must not be aggregated twice (proven in
 * test/event-store.chdb.int-spec.ts).
 */
export function createRollupTableSql(source: string, rollup: RollupSpec, s: SchemaSettings): string {
  return [
    `CREATE TABLE IF NOT EXISTS ${q(s.database)}.${q(rollupTableName(source, rollup))}`,
    '(',
    [
      '`device_id` LowCardinality(String)',
      '`name` LowCardinality(String)',
      '`labels_hash` UInt64',
      '`labels` SimpleAggregateFunction(any, Map(String, String))',
      '`unit` SimpleAggregateFunction(any, String)',
      '`type` SimpleAggregateFunction(any, String)',
      "`bucket` DateTime('UTC')",
      '`min` SimpleAggregateFunction(min, Float64)',
      '`max` SimpleAggregateFunction(max, Float64)',
      '`sum` SimpleAggregateFunction(sum, Float64)',
      '`count` SimpleAggregateFunction(sum, UInt64)',
      "`last` AggregateFunction(argMax, Float64, DateTime64(3, 'UTC'))",
    ]
      .map((line) => `    ${line}`)
      .join(',\n'),
    ')',
    'ENGINE = AggregatingMergeTree',
    'PARTITION BY toYYYYMM(bucket)',
    'ORDER BY (device_id, name, labels_hash, bucket)',
    `TTL bucket + INTERVAL ${s.ttlDays[rollup.ttl]} DAY`,
    `SETTINGS non_replicated_deduplication_window = ${s.dedupWindow}`,
  ].join('\n');
}

export function createRollupViewSql(source: string, rollup: RollupSpec, s: SchemaSettings): string {
  const target = rollupTableName(source, rollup);
  return [
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${q(s.database)}.${q(`${target}_mv`)}`,
    `TO ${q(s.database)}.${q(target)}`,
    'AS SELECT',
    [
      'device_id',
      'name',
      'cityHash64(mapKeys(labels), mapValues(labels)) AS labels_hash',
      'labels',
      'any(unit) AS unit',
      'any(type) AS type',
      `${rollup.bucket}(ts) AS bucket`,
      'min(value) AS min',
      'max(value) AS max',
      'sum(value) AS sum',
      'count() AS count',
      'argMaxState(value, ts) AS last',
    ]
      .map((line) => `    ${line}`)
      .join(',\n'),
    `FROM ${q(s.database)}.${q(source)}`,
    'GROUP BY device_id, name, labels, bucket',
  ].join('\n');
}

/**
 * Rows expire by when Sonde received them, not by the device's clock (issue 11, ADR 0002): with
 * `TTL ts + …` a message whose device clock said two months ago was acknowledged and dropped on
 * write. `coalesce` keeps rows written before migration 3 (empty `received_at`) on their `ts`.
 */
export function receivedAtTtl(days: number): string {
  return `toDateTime(coalesce(received_at, ts)) + INTERVAL ${days} DAY`;
}

export function ttlByReceivedAtSql(s: SchemaSettings): string[] {
  return EVENT_TABLES.map((spec) => `ALTER TABLE ${q(s.database)}.${q(spec.table)} MODIFY TTL ${receivedAtTtl(s.ttlDays[spec.ttl])}`);
}

export function eventTablesSql(s: SchemaSettings): string[] {
  return EVENT_TABLES.map((spec) => createEventTableSql(spec, s));
}

export function rollupsSql(s: SchemaSettings): string[] {
  const out: string[] = [];
  for (const source of ROLLED_UP_TABLES) {
    for (const rollup of ROLLUPS) {
      out.push(createRollupTableSql(source, rollup, s), createRollupViewSql(source, rollup, s));
    }
  }
  return out;
}

/**
 * Columns a later migration adds to tables that already exist. IF NOT EXISTS keeps a rerun (crash
 * between statement and ledger row) harmless; the created table of migration 1 never changes.
 */
export function addedColumnsSql(version: number): (s: SchemaSettings) => string[] {
  return (s) =>
    EVENT_TABLES.flatMap((spec) =>
      spec.columns
        .filter((c) => c.addedIn === version)
        .map((c) => `ALTER TABLE ${q(s.database)}.${q(spec.table)} ADD COLUMN IF NOT EXISTS ${q(c.name)} ${c.type}`),
    );
}
