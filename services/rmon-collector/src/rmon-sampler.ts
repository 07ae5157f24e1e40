import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import type { CounterStateBackend } from '@sonde/snmp/counters/counter-cache';
import type { NoRateReason } from '@sonde/snmp/counters/counter-rate';
import type { GroupOutput, PollTarget, ReadContext, SamplerContext, SamplerOutput } from '@sonde/snmp/poll/device-poller';
import type { GroupReading } from '@sonde/snmp/poll/group-poller';
import type { MetricGroup } from '@sonde/snmp/poll/metric-group';
import { readEtherHistory, readHistoryHighCapacity, type HistoryPlan } from './history-reader';
import { emptyIndexes, parseIndexes, type StoredIndexes } from './probe-indexes';
import { alarmSamples } from './alarm-samples';
import { etherStatsSamples } from './ether-stats-samples';
import { historySamples } from './history-samples';
import { interfaceNames } from './interface-names';
import { RMON_TABLES } from './rmon-tables';
import { rowsOf, wasRead } from './rmon-row';
import { rmon2Samples } from './rmon2-samples';
import { readTimeFiltered, TIME_FILTERED_CONTROL } from './time-filter-reader';

/** What a probe offers, as `sonde status` and the `sonde_rmon_collector_probes` gauge show it. */
export interface ProbeSupport {
  statistics: boolean;
  highCapacity: boolean;
  history: boolean;
  alarm: boolean;
  rmon2: boolean;
}


export interface RmonCycleCounts {
  bucketsPublished: number;
  bucketsLost: number;
  logEntries: number;
  logEntriesLost: number;
}

/** Names of the RMON columns an alarm may watch (alarmVariable), resolved once at load. */
const COLUMN_NAMES = new Map<string, string>();
for (const g of Object.values(RMON_TABLES)) for (const c of g.table?.columns ?? []) COLUMN_NAMES.set(c.oid, c.name);

export function columnInstanceName(oid: string): string {
  for (let i = oid.lastIndexOf('.'); i > 0; i = oid.lastIndexOf('.', i - 1)) {
    const name = COLUMN_NAMES.get(oid.slice(0, i));
    if (name) return `${name}${oid.slice(i)}`;
  }
  return oid;
}

/** One state-store key per probe for the last published history/log indexes: buckets are published once, also across restarts and replicas. */
const INDEX_PREFIX = 'rmon:indexes:';
const INDEX_TTL_MS = 30 * 24 * 3_600_000;

/**
 * The rmon-collector's DeviceSampler: turns one cycle's RMON table readings into the groups it
 * publishes as `rmon.sample` events (etherStats, historyControl, etherHistory per bucket,
 * etherHistoryLoss, alarmTable, eventTable, logTable per entry, rmon2, rmonSupport).
 * Keeps what it must remember per probe: last history/log indexes (state store) and which RMON
 * groups the probe offers (support changes are published once, not per cycle).
 */
export class RmonSampler {
  private readonly support = new Map<string, ProbeSupport>();
  private readonly indexes = new Map<string, StoredIndexes>();
  /** This cycle's history read plan per device (reader → sampler). */
  private readonly plans = new Map<string, HistoryPlan>();
  readonly totals: RmonCycleCounts = { bucketsPublished: 0, bucketsLost: 0, logEntries: 0, logEntriesLost: 0 };

  constructor(
    private readonly state: CounterStateBackend | undefined,
    private readonly onCycle: (device: string, counts: RmonCycleCounts) => void = () => undefined,
  ) {}

  /** The probes' RMON support, by device id. */
  get probes(): ReadonlyMap<string, ProbeSupport> {
    return this.support;
  }

  forget(device: string): void {
    this.support.delete(device);
    this.indexes.delete(device);
    this.plans.delete(device);
  }

  /**
   * The poll engine's GroupReader: etherHistory and its HC twin are read from the last
   * published bucket on (history-reader.ts); the RMON2 time-filtered tables per control row at
   * timeMark 0 (time-filter-reader.ts); every other table whole.
   */
  readonly read = (group: MetricGroup, ctx: ReadContext): Promise<GroupReading> | undefined => {
    const device = ctx.target.device.id;
    if (group.name === 'etherHistory') {
      const plan: HistoryPlan = { ranges: new Map(), walk: new Map(), restarted: new Set() };
      this.plans.set(device, plan);
      return this.loadIndexes(device).then((stored) => readEtherHistory(group, ctx, stored, plan));
    }
    if (group.name in TIME_FILTERED_CONTROL) return readTimeFiltered(group, ctx);
    if (group.name === 'etherHistoryHighCapacity') {
      const plan = this.plans.get(device);
      return plan ? readHistoryHighCapacity(group, ctx, plan) : undefined;
    }
    return undefined;
  };

  readonly sample = async (target: PollTarget, readings: readonly GroupReading[], ctx: SamplerContext): Promise<SamplerOutput> => {
    const device = target.device.id;
    const groups: GroupOutput[] = [];
    const noRate: Partial<Record<NoRateReason, number>> = {};
    const interfaces = interfaceNames(readings);
    const wallOf = (ticks: number) => (ctx.sysUpTime === undefined ? ctx.ts : ctx.ts - (ctx.sysUpTime - ticks) * 10);
    const counts: RmonCycleCounts = { bucketsPublished: 0, bucketsLost: 0, logEntries: 0, logEntriesLost: 0 };
    const previous = this.support.get(device);
    const support: ProbeSupport = previous ? { ...previous } : { statistics: false, highCapacity: false, history: false, alarm: false, rmon2: false };

    if (wasRead(readings, 'etherStats')) {
      const stats = rowsOf(readings, 'etherStats');
      const hc = rowsOf(readings, 'etherStatsHighCapacity');
      support.statistics = stats.size > 0;
      if (wasRead(readings, 'etherStatsHighCapacity')) support.highCapacity = hc.size > 0;
      const out = etherStatsSamples(stats, hc, interfaces, ctx);
      for (const [r, n] of Object.entries(out.noRate)) noRate[r as NoRateReason] = (noRate[r as NoRateReason] ?? 0) + (n ?? 0);
      if (out.samples.length > 0) groups.push({ group: 'etherStats', samples: out.samples });
    }

    const needIndexes = wasRead(readings, 'historyControl') || wasRead(readings, 'log');
    const stored = needIndexes ? await this.loadIndexes(device) : emptyIndexes();
    const plan = this.plans.get(device);
    this.plans.delete(device);
    if (wasRead(readings, 'historyControl') && wasRead(readings, 'etherHistory')) {
      const control = rowsOf(readings, 'historyControl');
      support.history = control.size > 0;
      const out = historySamples({
        control,
        buckets: rowsOf(readings, 'etherHistory'),
        hcBuckets: rowsOf(readings, 'etherHistoryHighCapacity'),
        interfaces,
        last: stored.h,
        restarted: plan?.restarted ?? new Set(),
        wallOf,
        ts: ctx.ts,
      });
      // a last bucket no longer held (aged out, nothing new) keeps the interval start we saw it with
      const t: Record<string, number> = {};
      for (const [c, n] of Object.entries(out.last)) {
        const start = out.lastStart[c] ?? (stored.h[c] === n ? stored.t[c] : undefined);
        if (start !== undefined) t[c] = start;
      }
      stored.h = out.last;
      stored.t = t;
      counts.bucketsLost = out.lostBuckets;
      counts.bucketsPublished = out.groups.filter((g) => g.group === 'etherHistory').length;
      groups.push(...out.groups);
    }
    if (wasRead(readings, 'alarm') && wasRead(readings, 'event') && wasRead(readings, 'log')) {
      const alarms = rowsOf(readings, 'alarm');
      const events = rowsOf(readings, 'event');
      support.alarm = alarms.size > 0 || events.size > 0;
      const out = alarmSamples({ alarms, events, log: rowsOf(readings, 'log'), last: stored.l, wallOf, ts: ctx.ts, ...(ctx.sysUpTime !== undefined ? { sysUpTime: ctx.sysUpTime } : {}), nameOf: columnInstanceName });
      stored.l = out.last;
      counts.logEntries = out.newLogEntries;
      counts.logEntriesLost = out.lostLogEntries;
      groups.push(...out.groups);
    }
    if (wasRead(readings, 'probeCapabilities') || wasRead(readings, 'protocolDir')) {
      const caps = readings.find((r) => r.group === 'probeCapabilities')?.rows.find((r) => r.index === '')?.cells[0]?.vb.value;
      const input = {
        capabilities: Buffer.isBuffer(caps) ? caps : undefined,
        protocolDir: rowsOf(readings, 'protocolDir'),
        protocolDistStats: rowsOf(readings, 'protocolDistStats'),
        hlHostControl: rowsOf(readings, 'hlHostControl'),
        nlHost: rowsOf(readings, 'nlHost'),
        hlMatrixControl: rowsOf(readings, 'hlMatrixControl'),
        nlMatrixSD: rowsOf(readings, 'nlMatrixSD'),
      };
      support.rmon2 = input.capabilities !== undefined || input.protocolDir.size > 0;
      groups.push(...rmon2Samples(input));
    }
    if (needIndexes) {
      if (ctx.sysUpTime !== undefined) {
        stored.u = ctx.sysUpTime;
        stored.w = ctx.ts;
      } else {
        delete stored.u;
        delete stored.w;
      }
      await this.saveIndexes(device, stored);
    }

    // "not supported" once (and on every change), not an error per cycle
    if (!previous || (Object.keys(support) as Array<keyof ProbeSupport>).some((k) => support[k] !== previous[k])) {
      groups.push({ group: 'rmonSupport', samples: supportSamples(support) });
    }
    this.support.set(device, support);
    for (const k of Object.keys(counts) as Array<keyof RmonCycleCounts>) this.totals[k] += counts[k];
    this.onCycle(device, counts);
    return { groups, noRate };
  };

  private async loadIndexes(device: string): Promise<StoredIndexes> {
    const known = this.indexes.get(device);
    if (known) return known;
    let stored = emptyIndexes();
    const raw = this.state ? await this.state.get(INDEX_PREFIX + device) : null;
    if (raw) {
      try {
        stored = parseIndexes(JSON.parse(raw) as unknown);
      } catch {
        // a corrupt entry: the next poll republishes what the probe holds (logged by the caller as a state error)
      }
    }
    this.indexes.set(device, stored);
    return stored;
  }

  private async saveIndexes(device: string, stored: StoredIndexes): Promise<void> {
    this.indexes.set(device, stored);
    await this.state?.set(INDEX_PREFIX + device, JSON.stringify(stored), INDEX_TTL_MS);
  }
}

/** rmon_supported{group}: 1 offered, 0 "not supported" by this agent. */
export function supportSamples(s: ProbeSupport): MetricSample[] {
  const entry = (group: string, ok: boolean): MetricSample => ({
    name: 'rmon_supported',
    labels: { group, ...(ok ? {} : { detail: 'not supported' }) },
    value: ok ? 1 : 0,
    unit: '',
    type: 'status',
  });
  return [
    entry('statistics', s.statistics),
    entry('highCapacity', s.highCapacity),
    entry('history', s.history),
    entry('alarm', s.alarm),
    entry('rmon2', s.rmon2),
  ];
}
