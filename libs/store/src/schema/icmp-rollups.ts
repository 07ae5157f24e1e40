import type { SchemaSettings } from './schema-ddl';

const q = (name: string): string => `\`${name}\``;
const indent = (lines: readonly string[]): string => lines.map((l) => `    ${l}`).join(',\n');

export interface IcmpRollupSpec {
  suffix: '1m' | '1h';
  bucket: 'toStartOfMinute' | 'toStartOfHour';
  ttl: 'icmpRollup1m' | 'icmpRollup1h';
}

export const ICMP_ROLLUPS: readonly IcmpRollupSpec[] = [
  { suffix: '1m', bucket: 'toStartOfMinute', ttl: 'icmpRollup1m' },
  { suffix: '1h', bucket: 'toStartOfHour', ttl: 'icmpRollup1h' },
];

/**
 * Reachability history beyond the raw table's retention (migration 5): per device, target, site
 * and bucket — RTT min/max and the reply-weighted mean (`rtt_sum / replies`), loss
 * (`1 - received / sent`) and the reachability share (`up / probes`). Every column merges
 * exactly, so a 1 h bucket is the same whether read from raw rows or from merged parts.
 */
export function icmpRollupTableSql(r: IcmpRollupSpec, s: SchemaSettings): string {
  return [
    `CREATE TABLE IF NOT EXISTS ${q(s.database)}.${q(`icmp_probe_${r.suffix}`)}`,
    '(',
    indent([
      '`device_id` LowCardinality(String)',
      '`target` LowCardinality(String)',
      '`site` LowCardinality(String)',
      "`bucket` DateTime('UTC')",
      '`probes` SimpleAggregateFunction(sum, UInt64)',
      '`up` SimpleAggregateFunction(sum, UInt64)',
      '`sent` SimpleAggregateFunction(sum, UInt64)',
      '`received` SimpleAggregateFunction(sum, UInt64)',
      '`rtt_min_ms` SimpleAggregateFunction(min, Nullable(Float64))',
      '`rtt_max_ms` SimpleAggregateFunction(max, Nullable(Float64))',
      '`rtt_sum_ms` SimpleAggregateFunction(sum, Float64)',
      '`replies` SimpleAggregateFunction(sum, UInt64)',
    ]),
    ')',
    'ENGINE = AggregatingMergeTree',
    'PARTITION BY toYYYYMM(bucket)',
    'ORDER BY (device_id, target, site, bucket)',
    `TTL bucket + INTERVAL ${s.ttlDays[r.ttl]} DAY`,
    `SETTINGS non_replicated_deduplication_window = ${s.dedupWindow}`,
  ].join('\n');
}

function icmpRollupSelect(r: IcmpRollupSpec, s: SchemaSettings): string {
  return [
    'SELECT',
    indent([
      'p.device_id AS device_id',
      'p.target AS target',
      'p.site AS site',
      `${r.bucket}(p.ts) AS bucket`,
      'count() AS probes',
      "countIf(p.reachability = 'up') AS up",
      'sum(p.sent) AS sent',
      'sum(p.received) AS received',
      'min(p.rtt_min_ms) AS rtt_min_ms',
      'max(p.rtt_max_ms) AS rtt_max_ms',
      'sum(ifNull(p.rtt_avg_ms, 0) * p.received) AS rtt_sum_ms',
      'sumIf(p.received, p.rtt_avg_ms IS NOT NULL) AS replies',
    ]),
    // columns qualified: the output names shadow them (sum(received) AS received)
    `FROM ${q(s.database)}.${q('icmp_probe')} AS p`,
    'GROUP BY device_id, target, site, bucket',
  ].join('\n');
}

export function icmpRollupsSql(s: SchemaSettings): string[] {
  return ICMP_ROLLUPS.flatMap((r) => {
    const target = `icmp_probe_${r.suffix}`;
    return [
      `DROP VIEW IF EXISTS ${q(s.database)}.${q(`${target}_mv`)}`,
      `DROP TABLE IF EXISTS ${q(s.database)}.${q(target)}`,
      icmpRollupTableSql(r, s),
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${q(s.database)}.${q(`${target}_mv`)}\nTO ${q(s.database)}.${q(target)}\nAS ${icmpRollupSelect(r, s)}`,
      `INSERT INTO ${q(s.database)}.${q(target)}\n${icmpRollupSelect(r, s)}`,
    ];
  });
}
