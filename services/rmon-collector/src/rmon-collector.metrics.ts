import { PollEngineMetrics } from '@sonde/snmp/poll/poll-engine.metrics';
import { Counter, Gauge, type Registry } from 'prom-client';

export interface RmonMetricSources {
  probes: () => Array<{ groups: string; highCapacity: boolean; probes: number }>;
  targets: () => number;
  owned: () => number;
}

/** Every metric the RMON collector exposes: the poll engine's counters, and its own. */
export class RmonCollectorMetrics extends PollEngineMetrics {
  readonly bucketsPublished: Counter;
  readonly bucketsLost: Counter;
  readonly logEntries: Counter;
  readonly logEntriesLost: Counter;
  readonly probeRows: Counter<'table' | 'action'>;

  constructor(registry: Registry, sources: RmonMetricSources) {
    const p = 'sonde_rmon_collector_';
    super(registry, { prefix: p, peers: 'probes', eventKind: 'rmon.sample' });
    const registers = [registry];
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
