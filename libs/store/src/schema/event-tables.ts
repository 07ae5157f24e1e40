import type { EventKind } from '@sonde/events/event-kind';
import type { StoreConfig } from '../store.config';

/** One column of a generated table: its name in rows (snake_case) and its ClickHouse type. */
export interface ColumnSpec {
  name: string;
  type: string;
  /** The migration that added the column to an existing table (ALTER … ADD COLUMN); absent = created with the table. */
  addedIn?: number;
}

/**
 * One MergeTree table per event kind (design.md §4). The DDL, the row mapping (rows/) and the
 * generated deploy/clickhouse/schema.sql all derive from these specs.
 */
export interface EventTableSpec {
  table: string;
  kind: EventKind;
  columns: readonly ColumnSpec[];
  /** Sorting key: what Grafana filters on first (device, name), then time. */
  orderBy: readonly string[];
  ttl: keyof StoreConfig['ttlDays'];
}

const TS = "DateTime64(3, 'UTC')";
const LC = 'LowCardinality(String)';
const LABELS = 'Map(LowCardinality(String), String)';

/** Every table starts with the event envelope (design.md §3). */
export const ENVELOPE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'id', type: 'UUID' },
  { name: 'ts', type: TS },
  { name: 'received_at', type: `Nullable(${TS})` },
  { name: 'site', type: LC },
  { name: 'collector', type: LC },
  { name: 'device_id', type: LC },
  { name: 'device_name', type: LC },
  { name: 'device_address', type: LC },
  // the inventory device's tags (ADR 0006); [] for an unknown source and for older rows
  { name: 'device_tags', type: 'Array(LowCardinality(String))', addedIn: 9 },
];

/** Long-format samples (design.md §3): one row per sample, like an OpenTelemetry point. */
const SAMPLE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'sample_index', type: 'UInt32' },
  { name: 'name', type: LC },
  { name: 'labels', type: LABELS },
  { name: 'value', type: 'Float64' },
  { name: 'unit', type: LC },
  { name: 'type', type: LC },
];

const ENDPOINT = (prefix: string): ColumnSpec[] => [
  { name: `${prefix}_address`, type: LC },
  { name: `${prefix}_port`, type: 'UInt16' },
];

export const EVENT_TABLES: readonly EventTableSpec[] = [
  {
    table: 'icmp_probe',
    kind: 'icmp.probe',
    columns: [
      ...ENVELOPE_COLUMNS,
      { name: 'target', type: LC },
      { name: 'family', type: 'UInt8' },
      { name: 'sent', type: 'UInt32' },
      { name: 'received', type: 'UInt32' },
      { name: 'loss_pct', type: 'Float64' },
      { name: 'rtt_min_ms', type: 'Nullable(Float64)' },
      { name: 'rtt_avg_ms', type: 'Nullable(Float64)' },
      { name: 'rtt_max_ms', type: 'Nullable(Float64)' },
      { name: 'rtt_stddev_ms', type: 'Nullable(Float64)' },
      { name: 'errors', type: 'Map(LowCardinality(String), UInt64)' },
      { name: 'reachability', type: LC },
      { name: 'transition_from', type: LC },
      { name: 'transition_to', type: LC },
    ],
    orderBy: ['device_id', 'target', 'ts'],
    ttl: 'icmpProbe',
  },
  {
    table: 'snmp_metric',
    kind: 'snmp.metric',
    columns: [...ENVELOPE_COLUMNS, { name: 'group', type: LC }, ...SAMPLE_COLUMNS],
    orderBy: ['device_id', 'name', 'ts'],
    ttl: 'snmpMetric',
  },
  {
    table: 'snmp_trap',
    kind: 'snmp.trap',
    columns: [
      ...ENVELOPE_COLUMNS,
      { name: 'version', type: LC },
      { name: 'pdu', type: LC },
      { name: 'trap_oid', type: LC },
      { name: 'trap_name', type: LC },
      // sysUpTime of the notification in seconds (the payload's `uptime` is TimeTicks, hundredths
      // of a second, RFC 2578 §7.1.8); tables from before migration 8 also keep `uptime` (TimeTicks)
      { name: 'uptime_seconds', type: 'Nullable(Float64)', addedIn: 8 },
      ...ENDPOINT('source'),
      { name: 'agent_address', type: LC },
      { name: 'relayed_by', type: LC },
      { name: 'enterprise', type: LC },
      { name: 'generic_trap', type: 'Nullable(Int64)' },
      { name: 'specific_trap', type: 'Nullable(Int64)' },
      // The community is a credential (design.md §6): it is not stored. v3 identity is.
      { name: 'security_user', type: LC },
      { name: 'security_engine_id', type: LC },
      { name: 'security_level', type: LC },
      {
        name: 'varbinds',
        type: 'Nested(oid String, name String, type LowCardinality(String), value String, display String)',
      },
    ],
    orderBy: ['device_id', 'trap_oid', 'ts'],
    ttl: 'snmpTrap',
  },
  {
    table: 'syslog_message',
    kind: 'syslog.message',
    columns: [
      ...ENVELOPE_COLUMNS,
      { name: 'facility', type: 'UInt8' },
      { name: 'severity', type: 'UInt8' },
      { name: 'format', type: LC },
      { name: 'hostname', type: LC },
      { name: 'app_name', type: LC },
      { name: 'proc_id', type: 'String' },
      { name: 'msg_id', type: LC },
      { name: 'message', type: 'String' },
      { name: 'structured_data', type: 'Map(LowCardinality(String), Map(LowCardinality(String), String))' },
      { name: 'fields', type: LABELS },
      { name: 'time_source', type: LC },
      { name: 'transport', type: LC },
      ...ENDPOINT('source'),
      { name: 'truncated', type: 'Bool' },
    ],
    orderBy: ['device_id', 'ts'],
    ttl: 'syslogMessage',
  },
  {
    table: 'rmon_sample',
    kind: 'rmon.sample',
    columns: [...ENVELOPE_COLUMNS, { name: 'rmon_table', type: LC }, ...SAMPLE_COLUMNS],
    orderBy: ['device_id', 'name', 'ts'],
    ttl: 'rmonSample',
  },
  {
    table: 'alert_state',
    kind: 'alert.state',
    columns: [
      ...ENVELOPE_COLUMNS,
      { name: 'rule_id', type: LC },
      { name: 'rule_name', type: LC },
      { name: 'state', type: LC },
      { name: 'severity', type: LC },
      { name: 'fingerprint', type: 'String' },
      { name: 'since', type: TS },
      { name: 'summary', type: 'String' },
      { name: 'labels', type: LABELS },
      { name: 'value', type: 'Nullable(Float64)' },
      // ADR 0003: one row per alert transition (migration 4).
      { name: 'transition', type: LC, addedIn: 4 },
      { name: 'transition_id', type: 'String', addedIn: 4 },
      { name: 'starts_at', type: TS, addedIn: 4 },
      { name: 'ends_at', type: `Nullable(${TS})`, addedIn: 4 },
      { name: 'annotations', type: LABELS, addedIn: 4 },
      { name: 'inhibited_by', type: 'Array(String)', addedIn: 4 },
      { name: 'flapping', type: 'Bool', addedIn: 4 },
      { name: 'group_key', type: 'String', addedIn: 4 },
      { name: 'threshold', type: 'Nullable(Float64)', addedIn: 4 },
    ],
    orderBy: ['rule_id', 'device_id', 'ts'],
    ttl: 'alertState',
  },
];

/** Metric tables (long-format samples) get 1 min and 1 h rollups. */
export const ROLLED_UP_TABLES = ['snmp_metric', 'rmon_sample'] as const;

export interface RollupSpec {
  suffix: '1m' | '1h';
  bucket: 'toStartOfMinute' | 'toStartOfHour';
  ttl: 'rollup1m' | 'rollup1h';
}

export const ROLLUPS: readonly RollupSpec[] = [
  { suffix: '1m', bucket: 'toStartOfMinute', ttl: 'rollup1m' },
  { suffix: '1h', bucket: 'toStartOfHour', ttl: 'rollup1h' },
];

export function tableForKind(kind: EventKind): EventTableSpec {
  const spec = EVENT_TABLES.find((t) => t.kind === kind);
  if (!spec) throw new Error(`no table for event kind ${kind}`);
  return spec;
}
