import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface RmonMetricSources {
  probes: () => Array<{ groups: string; highCapacity: boolean; probes: number }>;
  targets: () => number;
  owned: () => number;
}

/** Every metric the RMON collector exposes (ADR 0001: `sonde_<area>_<what>_total`). */
export class RmonCollectorMetrics {
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
  readonly bucketsPublished: Counter;
  readonly bucketsLost: Counter;
  readonly logEntries: Counter;
  readonly logEntriesLost: Counter;
  readonly probeRows: Counter<'table' | 'action'>;

  constructor(registry: Registry, sources: RmonMetricSources) {
    const registers = [registry];
    const p = 'sonde_rmon_collector_';
    this.polls = new Counter({ name: `${p}polls_total`, help: 'Probe poll cycles finished, by result (ok, partial, unreachable)', labelNames: ['result'], registers });
    this.skipped = new Counter({ name: `${p}polls_skipped_total`, help: 'Cycles not started: busy = previous cycle still ran; behind = the process fell behind', labelNames: ['reason'], registers });
    this.late = new Counter({ name: `${p}polls_late_total`, help: 'Cycles started later than lateAfterMs past their slot', registers });
    this.requests = new Counter({ name: `${p}requests_total`, help: 'SNMP requests sent, retries excluded', registers });
    this.received = new Counter({ name: `${p}varbinds_received_total`, help: 'Varbinds received from probes', registers });
    this.parsed = new Counter({ name: `${p}samples_parsed_total`, help: 'Samples built from varbinds (values, rates, shares, buckets, log entries, status)', registers });
    this.published = new Counter({ name: `${p}events_published_total`, help: 'rmon.sample events accepted by the bus', registers });
    this.dropped = new Counter({ name: `${p}dropped_total`, help: 'Events dropped, by reason and stage', labelNames: ['reason', 'stage'], registers });
    this.errors = new Counter({ name: `${p}errors_total`, help: 'Poll errors by reason (timeout, wrong-digest, malformed-response, …)', labelNames: ['reason'], registers });
    this.ratesWithheld = new Counter({ name: `${p}rates_withheld_total`, help: 'Counter readings that produced no rate: first, restart, reset, gap, absurd, time', labelNames: ['reason'], registers });
    this.duration = new Histogram({ name: `${p}poll_duration_seconds`, help: 'Duration of a probe poll cycle', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers });
    this.probeRows = new Counter({ name: `${p}probe_rows_total`, help: 'Probe configuration: control rows created, removed, failed (set invalid again) or left without a free index, by table', labelNames: ['table', 'action'], registers });
    this.bucketsPublished = new Counter({ name: `${p}history_buckets_published_total`, help: 'etherHistory buckets published (each once)', registers });
    this.bucketsLost = new Counter({ name: `${p}history_buckets_lost_total`, help: 'etherHistory buckets that aged out on the probe before they were read', registers });
    this.logEntries = new Counter({ name: `${p}log_entries_total`, help: 'logTable entries published (each once)', registers });
    this.logEntriesLost = new Counter({ name: `${p}log_entries_lost_total`, help: 'logTable entries the probe deleted before they were read', registers });
    new Gauge({
      name: `${p}probes`,
      help: 'Probes by the RMON groups they offer (statistics, history, alarm, rmon2) and whether they have HC-RMON 64-bit counters',
      labelNames: ['groups', 'high_capacity'],
      registers,
      collect() {
        this.reset();
        for (const r of sources.probes()) this.set({ groups: r.groups, high_capacity: String(r.highCapacity) }, r.probes);
      },
    });
    new Gauge({ name: `${p}targets`, help: 'SNMP devices of the site read as RMON probes, all replicas together', registers, collect() { this.set(sources.targets()); } });
    new Gauge({ name: `${p}owned_targets`, help: 'Probes this replica reads (its shard of the target assignment)', registers, collect() { this.set(sources.owned()); } });
  }
}
