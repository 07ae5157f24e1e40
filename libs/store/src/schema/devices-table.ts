import { EVENT_TABLES } from './event-tables';
import { addedColumnsSql, type SchemaSettings } from './schema-ddl';

const q = (name: string): string => `\`${name}\``;

/** Latest value by observation time; an MV that does not know a column writes it at epoch 0, so it never wins. */
const LATEST = "AggregateFunction(argMax, String, DateTime64(3, 'UTC'))";
const NONE = "argMaxState('', toDateTime64(0, 3, 'UTC'))";

/** Columns of `devices` and what each event table tells about them (NONE when nothing). */
interface DeviceFacts {
  table: string;
  where: string;
  sys_name: string;
  sys_descr: string;
  sys_object_id: string;
  snmp_version: string;
  security_level: string;
  snmp_reachable: string;
  icmp_reachability: string;
}

const latest = (expr: string): string => `argMaxState(toString(e.${expr}), e.ts)`;

const FACTS: readonly DeviceFacts[] = [
  // the system group's sysUpTime carries sysName (and sysDescr/sysObjectID when polled) as labels
  {
    table: 'snmp_metric', where: "e.name = 'sysUpTime'",
    sys_name: latest("labels['sysName']"), sys_descr: latest("labels['sysDescr']"), sys_object_id: latest("labels['sysObjectID']"),
    snmp_version: NONE, security_level: NONE, snmp_reachable: NONE, icmp_reachability: NONE,
  },
  // every poll cycle: the version and security level it used, and whether the agent answered
  {
    table: 'snmp_metric', where: "e.name = 'snmp_poll_reachable'",
    sys_name: NONE, sys_descr: NONE, sys_object_id: NONE,
    snmp_version: latest("labels['version']"), security_level: latest("labels['security_level']"), snmp_reachable: latest('value'), icmp_reachability: NONE,
  },
  {
    table: 'icmp_probe', where: '1',
    sys_name: NONE, sys_descr: NONE, sys_object_id: NONE, snmp_version: NONE, security_level: NONE, snmp_reachable: NONE,
    icmp_reachability: latest('reachability'),
  },
];

/** The tags column (migration 9): the inventory tags the device's latest event carried (ADR 0006). */
const TAGS = "AggregateFunction(argMax, Array(String), DateTime64(3, 'UTC'))";

/**
 * Which generation of the devices objects: migration 7 created them without tags, migration 9
 * adds the column and re-creates the views with it. Released migrations never change, so the
 * statements of 7 are still generated as they were.
 */
interface DevicesShape {
  tags: boolean;
}

/**
 * `devices` (migration 7, tags since 9): one row per device and collector, maintained by
 * materialized views from the event tables — latest sysName/sysDescr/sysObjectID, site, tags,
 * SNMP version and security level in use, SNMP and ICMP reachability, first and last seen.
 * Read it with `argMaxMerge(<column>)`, `max(last_seen)` … `GROUP BY device_id, collector`
 * (or the `devices_latest` view).
 */
export function devicesTableSql(s: SchemaSettings): string {
  return [
    `CREATE TABLE IF NOT EXISTS ${q(s.database)}.${q('devices')}`,
    '(',
    [
      '`device_id` LowCardinality(String)',
      '`collector` LowCardinality(String)',
      "`site` AggregateFunction(argMax, String, DateTime64(3, 'UTC'))",
      "`device_name` AggregateFunction(argMax, String, DateTime64(3, 'UTC'))",
      "`device_address` AggregateFunction(argMax, String, DateTime64(3, 'UTC'))",
      `\`sys_name\` ${LATEST}`,
      `\`sys_descr\` ${LATEST}`,
      `\`sys_object_id\` ${LATEST}`,
      `\`snmp_version\` ${LATEST}`,
      `\`security_level\` ${LATEST}`,
      `\`snmp_reachable\` ${LATEST}`,
      `\`icmp_reachability\` ${LATEST}`,
      "`first_seen` SimpleAggregateFunction(min, DateTime64(3, 'UTC'))",
      "`last_seen` SimpleAggregateFunction(max, DateTime64(3, 'UTC'))",
      '`events` SimpleAggregateFunction(sum, UInt64)',
    ]
      .map((l) => `    ${l}`)
      .join(',\n'),
    ')',
    'ENGINE = AggregatingMergeTree',
    'ORDER BY (device_id, collector)',
    `TTL toDateTime(last_seen) + INTERVAL ${s.ttlDays.devices} DAY`,
    `SETTINGS non_replicated_deduplication_window = ${s.dedupWindow}`,
  ].join('\n');
}

function factsSelect(table: string, where: string, f: Omit<DeviceFacts, 'table' | 'where'>, s: SchemaSettings, shape: DevicesShape): string {
  return [
    'SELECT',
    [
      'e.device_id AS device_id',
      'e.collector AS collector',
      'argMaxState(toString(e.site), e.ts) AS site',
      'argMaxState(toString(e.device_name), e.ts) AS device_name',
      'argMaxState(toString(e.device_address), e.ts) AS device_address',
      `${f.sys_name} AS sys_name`,
      `${f.sys_descr} AS sys_descr`,
      `${f.sys_object_id} AS sys_object_id`,
      `${f.snmp_version} AS snmp_version`,
      `${f.security_level} AS security_level`,
      `${f.snmp_reachable} AS snmp_reachable`,
      `${f.icmp_reachability} AS icmp_reachability`,
      // every event carries its device's tags: the latest event's win (CAST: the state's type)
      ...(shape.tags ? ["argMaxState(CAST(e.device_tags, 'Array(String)'), e.ts) AS tags"] : []),
      'min(e.ts) AS first_seen',
      'max(e.ts) AS last_seen',
      'count() AS events',
    ]
      .map((l) => `    ${l}`)
      .join(',\n'),
    // columns qualified: the output names shadow them (argMaxState(site) AS site)
    `FROM ${q(s.database)}.${q(table)} AS e`,
    `WHERE ${where}`,
    'GROUP BY device_id, collector',
  ].join('\n');
}

/** Every event table feeds last seen; snmp_metric and icmp_probe also feed the facts above. */
function sources(): DeviceFacts[] {
  const plain = (table: string): DeviceFacts => ({
    table, where: '1', sys_name: NONE, sys_descr: NONE, sys_object_id: NONE, snmp_version: NONE, security_level: NONE, snmp_reachable: NONE, icmp_reachability: NONE,
  });
  const special = new Set(FACTS.map((f) => f.table));
  return [...FACTS, ...EVENT_TABLES.filter((t) => !special.has(t.table)).map((t) => plain(t.table))];
}

/** Migration 7: the table, its views and a backfill from the raw tables. */
export function devicesSql(s: SchemaSettings): string[] {
  const shape: DevicesShape = { tags: false };
  const out = [devicesTableSql(s), ...viewsSql(s, shape)];
  // backfill from what the raw tables still hold (the views only see new inserts)
  out.push(`TRUNCATE TABLE ${q(s.database)}.${q('devices')}`);
  for (const f of sources()) out.push(`INSERT INTO ${q(s.database)}.${q('devices')}\n${factsSelect(f.table, f.where, f, s, shape)}`);
  return out;
}

/**
 * Migration 9: the events' `device.tags` (ADR 0006) reach `devices` — `device_tags` on every
 * event table, a `tags` column here, the views re-created to fill it. No backfill: rows written
 * before have no tags, and the next event of each device brings them.
 */
export function deviceTagsSql(s: SchemaSettings): string[] {
  return [
    ...addedColumnsSql(9)(s),
    `ALTER TABLE ${q(s.database)}.${q('devices')} ADD COLUMN IF NOT EXISTS \`tags\` ${TAGS}`,
    ...viewsSql(s, { tags: true }),
  ];
}

function viewsSql(s: SchemaSettings, shape: DevicesShape): string[] {
  const out: string[] = [];
  sources().forEach((f, i) => {
    const view = `devices_from_${f.table}_${i}_mv`;
    out.push(
      `DROP VIEW IF EXISTS ${q(s.database)}.${q(view)}`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${q(s.database)}.${q(view)}\nTO ${q(s.database)}.${q('devices')}\nAS ${factsSelect(f.table, f.where, f, s, shape)}`,
    );
  });
  // a readable view of the latest facts: what the dashboards and `sonde query` read
  out.push(
    [
      `CREATE OR REPLACE VIEW ${q(s.database)}.${q('devices_latest')} AS`,
      'SELECT',
      [
        'device_id', 'collector',
        'argMaxMerge(site) AS site', 'argMaxMerge(device_name) AS device_name', 'argMaxMerge(device_address) AS device_address',
        'argMaxMerge(sys_name) AS sys_name', 'argMaxMerge(sys_descr) AS sys_descr', 'argMaxMerge(sys_object_id) AS sys_object_id',
        'argMaxMerge(snmp_version) AS snmp_version', 'argMaxMerge(security_level) AS security_level',
        'argMaxMerge(snmp_reachable) AS snmp_reachable', 'argMaxMerge(icmp_reachability) AS icmp_reachability',
        ...(shape.tags ? ['argMaxMerge(tags) AS tags'] : []),
        'min(first_seen) AS first_seen', 'max(last_seen) AS last_seen', 'sum(events) AS events',
      ]
        .map((l) => `    ${l}`)
        .join(',\n'),
      `FROM ${q(s.database)}.${q('devices')}`,
      'GROUP BY device_id, collector',
    ].join('\n'),
  );
  return out;
}
