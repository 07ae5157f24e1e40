import { ROLLED_UP_TABLES, ROLLUPS, type RollupSpec } from './event-tables';
import type { SchemaSettings } from './schema-ddl';

const q = (name: string): string => `\`${name}\``;
const indent = (lines: readonly string[]): string => lines.map((l) => `    ${l}`).join(',\n');

/**
 * The label set's identity, whatever order the labels came in: a Map keeps insertion order, so
 * `cityHash64(mapKeys, mapValues)` of {a,b} and {b,a} differed (migration 2). Sorted by key first.
 */
export const LABELS_HASH = 'cityHash64(mapKeys(mapSort(labels)), mapValues(mapSort(labels)))';

/**
 * Migration 5: metric rollups keyed by device, metric name, site, metric type and an
 * order-independent label hash. A cumulative counter's raw value is not summed (the sum of
 * counter readings means nothing): its `sum` stays 0 and `last` (argMax) carries it; the rates
 * the poller derives (`*_rate`, type `rate`) are summed and averaged like gauges.
 * Migration 2's tables are replaced and refilled from the raw rows still kept: older aggregate
 * history of migration 2 is not carried over (its keys had neither site nor type).
 */
export function metricRollupTableSql(source: string, rollup: RollupSpec, s: SchemaSettings): string {
  return [
    `CREATE TABLE IF NOT EXISTS ${q(s.database)}.${q(`${source}_${rollup.suffix}`)}`,
    '(',
    indent([
      '`device_id` LowCardinality(String)',
      '`name` LowCardinality(String)',
      '`site` LowCardinality(String)',
      '`type` LowCardinality(String)',
      '`labels_hash` UInt64',
      '`labels` SimpleAggregateFunction(any, Map(String, String))',
      '`unit` SimpleAggregateFunction(any, String)',
      "`bucket` DateTime('UTC')",
      '`min` SimpleAggregateFunction(min, Float64)',
      '`max` SimpleAggregateFunction(max, Float64)',
      '`sum` SimpleAggregateFunction(sum, Float64)',
      '`count` SimpleAggregateFunction(sum, UInt64)',
      "`last` AggregateFunction(argMax, Float64, DateTime64(3, 'UTC'))",
    ]),
    ')',
    'ENGINE = AggregatingMergeTree',
    'PARTITION BY toYYYYMM(bucket)',
    'ORDER BY (device_id, name, site, type, labels_hash, bucket)',
    `TTL bucket + INTERVAL ${s.ttlDays[rollup.ttl]} DAY`,
    `SETTINGS non_replicated_deduplication_window = ${s.dedupWindow}`,
  ].join('\n');
}

function metricRollupSelect(source: string, rollup: RollupSpec, s: SchemaSettings): string {
  return [
    'SELECT',
    indent([
      'device_id',
      'name',
      'site',
      'type',
      `${LABELS_HASH} AS labels_hash`,
      'labels',
      'any(unit) AS unit',
      `${rollup.bucket}(ts) AS bucket`,
      'min(value) AS min',
      'max(value) AS max',
      "sumIf(value, type != 'counter') AS sum",
      'count() AS count',
      'argMaxState(value, ts) AS last',
    ]),
    `FROM ${q(s.database)}.${q(source)}`,
    // by the map itself: two spellings of one label set are two groups here, one row after merges (same key)
    'GROUP BY device_id, name, site, type, labels, bucket',
  ].join('\n');
}

export function metricRollupsV2Sql(s: SchemaSettings): string[] {
  const out: string[] = [];
  for (const source of ROLLED_UP_TABLES) {
    for (const rollup of ROLLUPS) {
      const target = `${source}_${rollup.suffix}`;
      out.push(
        `DROP VIEW IF EXISTS ${q(s.database)}.${q(`${target}_mv`)}`,
        `DROP TABLE IF EXISTS ${q(s.database)}.${q(target)}`,
        metricRollupTableSql(source, rollup, s),
        `CREATE MATERIALIZED VIEW IF NOT EXISTS ${q(s.database)}.${q(`${target}_mv`)}\nTO ${q(s.database)}.${q(target)}\nAS ${metricRollupSelect(source, rollup, s)}`,
        `INSERT INTO ${q(s.database)}.${q(target)}\n${metricRollupSelect(source, rollup, s)}`,
      );
    }
  }
  return out;
}
