import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { VersionSummary } from './version-accounting';

/** Every metric the SNMP poller exposes (ADR 0001: `sonde_<area>_<what>_total`). */
export class SnmpPollerMetrics {
  readonly polls: Counter<'result'>;
  readonly skipped: Counter<'reason'>;
  readonly late: Counter;
  readonly requests: Counter;
  /** Collector accounting: varbinds received, samples parsed, events published, dropped. */
  readonly received: Counter;
  readonly parsed: Counter;
  readonly published: Counter;
  readonly dropped: Counter<'reason' | 'stage'>;
  readonly errors: Counter<'reason'>;
  readonly ratesWithheld: Counter<'reason'>;
  readonly duration: Histogram;

  constructor(registry: Registry, sources: { versions: () => VersionSummary; pool: () => { open: number; sockets: number; inFlight: number; queued: number }; targets: () => number; owned: () => number }) {
    const registers = [registry];
    this.polls = new Counter({ name: 'sonde_snmp_poller_polls_total', help: 'Poll cycles finished, by result (ok, partial, unreachable)', labelNames: ['result'], registers });
    this.skipped = new Counter({
      name: 'sonde_snmp_poller_polls_skipped_total',
      help: 'Cycles not started: busy = the previous cycle of the device still ran; behind = the process fell behind',
      labelNames: ['reason'],
      registers,
    });
    this.late = new Counter({ name: 'sonde_snmp_poller_polls_late_total', help: 'Cycles started later than lateAfterMs past their slot', registers });
    this.requests = new Counter({ name: 'sonde_snmp_poller_requests_total', help: 'SNMP requests sent (GET, GETNEXT, GETBULK), retries excluded', registers });
    this.received = new Counter({ name: 'sonde_snmp_poller_varbinds_received_total', help: 'Varbinds received from agents', registers });
    this.parsed = new Counter({ name: 'sonde_snmp_poller_samples_parsed_total', help: 'Samples built from varbinds (raw values, rates, poll status)', registers });
    this.published = new Counter({ name: 'sonde_snmp_poller_events_published_total', help: 'snmp.metric events accepted by the bus', registers });
    this.dropped = new Counter({ name: 'sonde_snmp_poller_dropped_total', help: 'Events dropped, by reason and stage', labelNames: ['reason', 'stage'], registers });
    this.errors = new Counter({ name: 'sonde_snmp_poller_errors_total', help: 'Poll errors by reason (timeout, wrong-digest, unknown-user, malformed-response, …)', labelNames: ['reason'], registers });
    this.ratesWithheld = new Counter({
      name: 'sonde_snmp_poller_rates_withheld_total',
      help: 'Counter readings that produced no rate: first, restart, discontinuity, reset, gap, absurd, time',
      labelNames: ['reason'],
      registers,
    });
    this.duration = new Histogram({
      name: 'sonde_snmp_poller_poll_duration_seconds',
      help: 'Duration of a device poll cycle',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    new Gauge({
      name: 'sonde_snmp_poller_devices',
      help: 'Devices by the SNMP version and security level they were last polled with',
      labelNames: ['version', 'security_level'],
      registers,
      collect() {
        this.reset();
        for (const row of sources.versions().rows) this.set({ version: row.version, security_level: row.securityLevel }, row.devices);
      },
    });
    new Gauge({
      name: 'sonde_snmp_poller_targets',
      help: 'Devices of the site to poll, all replicas together (this one polls sonde_snmp_poller_owned_targets of them)',
      registers,
      collect() { this.set(sources.targets()); },
    });
    new Gauge({
      name: 'sonde_snmp_poller_owned_targets',
      help: 'Devices this replica polls: those whose shard (partitionOf) the target assignment gives it',
      registers,
      collect() { this.set(sources.owned()); },
    });
    new Gauge({
      name: 'sonde_snmp_poller_sessions_open',
      help: 'SNMP sessions cached (they share sockets; see sonde_snmp_poller_udp_sockets)',
      registers,
      collect() { this.set(sources.pool().open); },
    });
    new Gauge({ name: 'sonde_snmp_poller_udp_sockets', help: 'Real UDP sockets (file descriptors) used by all sessions', registers, collect() { this.set(sources.pool().sockets); } });
    new Gauge({ name: 'sonde_snmp_poller_requests_in_flight', help: 'SNMP requests in flight', registers, collect() { this.set(sources.pool().inFlight); } });
    new Gauge({ name: 'sonde_snmp_poller_requests_queued', help: 'SNMP requests waiting for a concurrency slot', registers, collect() { this.set(sources.pool().queued); } });
  }
}
