import type { EventKind } from '@sonde/events/event-kind';
import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import type { EventOfKind, SondeEvent } from '@sonde/events/sonde-event';
import type { Row } from '../event-store';

/** The rows one event becomes, and the table (without database) they go to. */
export interface TableRows {
  table: string;
  rows: Row[];
}

type RowMapper<K extends EventKind> = (event: EventOfKind<K>, storedAt: number) => TableRows;

/**
 * Envelope columns shared by every table (design.md §3). `ts` stays epoch ms: DateTime64(3)
 * reads it as such. `received_at` is never empty: rows expire by it (migration 3, ADR 0002),
 * not by the device's clock, so an event without a receive time (polled, probed, published by
 * a client) takes the time the store got it.
 */
function envelope(e: SondeEvent, storedAt: number): Row {
  return {
    id: e.id,
    ts: e.ts,
    received_at: e.receivedAt ?? storedAt,
    site: e.site,
    collector: e.collector,
    device_id: e.device.id,
    device_name: e.device.name ?? '',
    device_address: e.device.address,
    device_tags: e.device.tags ?? [],
  };
}

/**
 * The contract accepts any integer as a port; a value outside 0..65535 is not a port and must
 * not fail the whole batch it travels in, so it is stored as 0.
 */
function port(n: number): number {
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : 0;
}

function sampleRows(e: SondeEvent, storedAt: number, samples: readonly MetricSample[], extra: Row): Row[] {
  const base = { ...envelope(e, storedAt), ...extra };
  return samples.map((s, i) => ({
    ...base,
    sample_index: i,
    name: s.name,
    labels: s.labels,
    value: s.value,
    unit: s.unit,
    type: s.type,
  }));
}

/** One mapper per kind, keyed like every other variant (style rule 6). */
const MAPPERS: { [K in EventKind]: RowMapper<K> } = {
  'icmp.probe': (e, at) => {
    const p = e.payload;
    return {
      table: 'icmp_probe',
      rows: [
        {
          ...envelope(e, at),
          target: p.target,
          family: p.family,
          sent: p.sent,
          received: p.received,
          loss_pct: p.lossPct,
          rtt_min_ms: p.rttMinMs,
          rtt_avg_ms: p.rttAvgMs,
          rtt_max_ms: p.rttMaxMs,
          rtt_stddev_ms: p.rttStddevMs,
          errors: p.errors,
          reachability: p.reachability,
          transition_from: p.transition?.from ?? '',
          transition_to: p.transition?.to ?? '',
        },
      ],
    };
  },
  'snmp.metric': (e, at) => ({ table: 'snmp_metric', rows: sampleRows(e, at, e.payload.samples, { group: e.payload.group }) }),
  'rmon.sample': (e, at) => ({ table: 'rmon_sample', rows: sampleRows(e, at, e.payload.samples, { rmon_table: e.payload.table }) }),
  'snmp.trap': (e, at) => {
    const p = e.payload;
    return {
      table: 'snmp_trap',
      rows: [
        {
          ...envelope(e, at),
          version: p.version,
          pdu: p.pdu,
          trap_oid: p.trapOid,
          trap_name: p.trapName ?? '',
          // TimeTicks are hundredths of a second (RFC 2578 §7.1.8): the column is named for its unit
          uptime_seconds: p.uptime === undefined ? null : p.uptime / 100,
          source_address: p.source.address,
          source_port: port(p.source.port),
          agent_address: p.agentAddress ?? '',
          relayed_by: p.relayedBy ?? '',
          enterprise: p.enterprise ?? '',
          generic_trap: p.genericTrap ?? null,
          specific_trap: p.specificTrap ?? null,
          security_user: p.security.user ?? '',
          security_engine_id: p.security.engineId ?? '',
          security_level: p.security.level ?? '',
          'varbinds.oid': p.varbinds.map((v) => v.oid),
          'varbinds.name': p.varbinds.map((v) => v.name ?? ''),
          'varbinds.type': p.varbinds.map((v) => v.type),
          'varbinds.value': p.varbinds.map((v) => v.value),
          'varbinds.display': p.varbinds.map((v) => v.display ?? ''),
        },
      ],
    };
  },
  'syslog.message': (e, at) => {
    const p = e.payload;
    return {
      table: 'syslog_message',
      rows: [
        {
          ...envelope(e, at),
          facility: p.facility,
          severity: p.severity,
          format: p.format,
          hostname: p.hostname ?? '',
          app_name: p.appName ?? '',
          proc_id: p.procId ?? '',
          msg_id: p.msgId ?? '',
          message: p.message,
          structured_data: p.structuredData,
          fields: p.fields,
          time_source: p.timeSource,
          transport: p.transport,
          source_address: p.source.address,
          source_port: port(p.source.port),
          truncated: p.truncated,
        },
      ],
    };
  },
  'alert.state': (e, at) => {
    const p = e.payload;
    return {
      table: 'alert_state',
      rows: [
        {
          ...envelope(e, at),
          rule_id: p.ruleId,
          rule_name: p.ruleName,
          state: p.state,
          severity: p.severity,
          fingerprint: p.fingerprint,
          since: p.since,
          summary: p.summary,
          labels: p.labels,
          value: p.value ?? null,
          transition: p.transition,
          transition_id: p.transitionId,
          starts_at: p.startsAt,
          ends_at: p.endsAt ?? null,
          annotations: p.annotations,
          inhibited_by: p.inhibitedBy,
          flapping: p.flapping,
          group_key: p.groupKey ?? '',
          threshold: p.threshold ?? null,
        },
      ],
    };
  },
};

/**
 * The rows of one event, for the table of its kind. Pure; never throws on a valid event.
 * `storedAt` is the receive time of an event that carries none (the store passes its clock).
 */
export function eventRows(event: SondeEvent, storedAt: number = event.ts): TableRows {
  const mapper = MAPPERS[event.kind] as RowMapper<EventKind>;
  return mapper(event as EventOfKind<EventKind>, storedAt);
}

/**
 * Rows of a batch grouped per table, in a stable order (first appearance), with events kept in
 * batch order: the same batch always produces the same blocks, so a retried insert carries the
 * same content under the same token.
 */
export function batchRows(events: readonly SondeEvent[], storedAt?: number): TableRows[] {
  const byTable = new Map<string, Row[]>();
  for (const event of events) {
    const { table, rows } = eventRows(event, storedAt);
    if (rows.length === 0) continue;
    const acc = byTable.get(table);
    if (acc) for (const row of rows) acc.push(row);
    else byTable.set(table, rows);
  }
  return [...byTable].map(([table, rows]) => ({ table, rows }));
}
