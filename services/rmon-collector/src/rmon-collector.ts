import type { GroupSelector, ResolvedProfile } from '@sonde/snmp/poll/device-poller';
import { PollEngine, type PollServiceDeps } from '@sonde/snmp/poll/poll-engine';
import type { RmonCollectorConfig } from './rmon-collector.config';
import type { RmonCollectorMetrics } from './rmon-collector.metrics';
import { ProbeConfigSchedule } from './probe-config-schedule';
import { ProbeConfigurator, probeSessionOf, type ReconcileResult } from './probe-configurator';
import { rmonProbeGroups } from './rmon-tables';
import { RmonSampler, type ProbeSupport } from './rmon-sampler';

/** The collector's config section and metrics, and the engine's seams; `state` also keeps the last history/log indexes per probe. */
export type RmonCollectorDeps = PollServiceDeps<RmonCollectorConfig, RmonCollectorMetrics>;

/** The status group: `rmon_poll_*` samples of every cycle (reachable, duration, errors…). */
export const RMON_STATUS_GROUP = 'rmon_poll';

/** Every probe reads the same tables: the configured RMON groups, whatever its sysObjectID. */
class FixedGroups implements GroupSelector {
  private readonly profile: ResolvedProfile;
  constructor(config: RmonCollectorConfig) {
    this.profile = { name: 'rmon', groups: rmonProbeGroups(config.groups) };
  }
  select(): ResolvedProfile {
    return this.profile;
  }
  named(): ResolvedProfile {
    return this.profile;
  }
}

/**
 * The RMON collector: the shared poll engine (libs/snmp/src/poll) on `rmon.sample`, reading the
 * RMON tables of every probe and turning them into samples with RmonSampler. No Nest here.
 */
export class RmonCollector extends PollEngine {
  readonly sampler: RmonSampler;
  private probeConfig: ProbeConfigSchedule | undefined;

  constructor(private readonly rmonDeps: RmonCollectorDeps) {
    const deps = rmonDeps;
    const sampler = new RmonSampler(deps.state, (_device, counts) => {
      const m = deps.metrics;
      if (!m) return;
      m.bucketsPublished.inc(counts.bucketsPublished);
      m.bucketsLost.inc(counts.bucketsLost);
      m.logEntries.inc(counts.logEntries);
      m.logEntriesLost.inc(counts.logEntriesLost);
    });
    super({
      ...deps,
      kind: 'rmon.sample',
      groups: new FixedGroups(deps.config),
      statusGroup: RMON_STATUS_GROUP,
      sampler: sampler.sample,
      reader: sampler.read,
      counterPrefix: 'rmon:counters:',
      onForget: (id) => sampler.forget(id),
    });
    this.sampler = sampler;
  }

  /**
   * Probe configuration (rmonCollector.probeConfig, off by default): reconciles the RMON
   * control rows of the owned probes now and every interval. `onResult` sees every pass per probe.
   */
  startProbeConfig(onResult: (r: ReconcileResult) => void = () => undefined): void {
    const { config, metrics, onError } = this.rmonDeps;
    if (!config.probeConfig.enabled || this.probeConfig) return;
    const walk = { maxRepetitions: config.maxRepetitions, varbindBudget: config.bulkVarbindBudget, maxVarbinds: config.maxVarbindsPerWalk };
    this.probeConfig = new ProbeConfigSchedule({
      configurator: new ProbeConfigurator(config.probeConfig),
      targets: () => this.ownedTargets,
      session: async (t) => probeSessionOf(await this.pool.session(t.snmp), walk),
      intervalMs: config.probeConfig.intervalMs ?? config.intervalMs,
      onError: (device, message) => onError?.(device, 'probe-config', `probe configuration of ${device}: ${message}`),
      onResult: (r) => {
        for (const c of r.created) metrics?.probeRows.inc({ table: c.table, action: 'created' });
        for (const c of r.removed) metrics?.probeRows.inc({ table: c.table, action: 'removed' });
        for (const c of r.noIndex) metrics?.probeRows.inc({ table: c.table, action: 'no-index' });
        for (const f of r.failed) {
          metrics?.probeRows.inc({ table: f.table, action: 'failed' });
          onError?.(r.device, 'probe-config', `probe configuration of ${r.device}: ${f.describe} (${f.table} row ${f.index}) failed and was set invalid: ${f.message}`);
        }
        for (const u of r.unreadable) onError?.(r.device, 'probe-config', `probe configuration of ${r.device}: ${u.table} table unreadable, not changed: ${u.message}`);
        onResult(r);
      },
    });
    this.probeConfig.start();
  }

  override async stop(): Promise<void> {
    await this.probeConfig?.stop();
    this.probeConfig = undefined;
    await super.stop();
  }

  /** Probes by the RMON groups they offer, for `sonde status` and the probes gauge. */
  supportSummary(): Array<{ groups: string; highCapacity: boolean; probes: number }> {
    const rows = new Map<string, { groups: string; highCapacity: boolean; probes: number }>();
    for (const s of this.sampler.probes.values()) {
      const groups = supportedGroups(s).join('+') || 'none';
      const key = `${groups}/${s.highCapacity}`;
      const row = rows.get(key) ?? { groups, highCapacity: s.highCapacity, probes: 0 };
      row.probes++;
      rows.set(key, row);
    }
    return [...rows.values()];
  }
}

export function supportedGroups(s: ProbeSupport): string[] {
  return (['statistics', 'history', 'alarm', 'rmon2'] as const).filter((g) => s[g]);
}
