import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import type { NoRateReason } from '../counters/counter-rate';
import type { CounterCache } from '../counters/counter-cache';
import type { SnmpTarget } from '../session/snmp-credential';
import { SnmpError } from '../session/snmp-error';
import type { SnmpSession } from '../session/snmp-session';
import { isException } from '../session/varbind';
import type { SnmpSessionPool } from '../session/snmp-session-pool';
import { expireDowngrades, varbindsReadBefore, type WalkCapabilities, type WalkOptions } from '../walk/table-walk';
import type { DeviceRef } from '@sonde/events/sonde-event';
import { pollGroup, type GroupReading } from './group-poller';
import { groupSamples, type SampleContext } from './group-samples';
import type { MetricGroup } from './metric-group';
import { addDropped, dropVarbinds, type VarbindDropReason } from './varbind-counts';

/** The groups to read from one agent, under a profile name (published as the `profile` label). */
export interface ResolvedProfile {
  name: string;
  groups: readonly MetricGroup[];
}

/**
 * Which groups a device gets: by its sysObjectID, or a profile forced per device. The
 * snmp-poller's ProfileSelector is one; a collector with fixed groups (rmon-collector) returns
 * the same profile for every agent.
 */
export interface GroupSelector {
  select(sysObjectId: string | undefined): ResolvedProfile;
  named(name: string): ResolvedProfile | undefined;
}

export interface PollTarget {
  device: DeviceRef;
  snmp: SnmpTarget;
  intervalMs: number;
  maxRepetitions: number;
  /** Forced profile name (devices[].snmpPoller.profile). */
  profile?: string;
}

export interface PollStatus {
  device: string;
  reachable: boolean;
  version: string;
  securityLevel: string;
  profile: string;
  responseMs?: number;
  durationMs: number;
  requests: number;
  /** Values received this cycle (varbind-counts.ts): each one `parsed` or `dropped` once. */
  varbinds: number;
  parsed: number;
  dropped: Partial<Record<VarbindDropReason, number>>;
  timeouts: number;
  errors: SnmpError[];
  missing: number;
  noRate: Partial<Record<NoRateReason, number>>;
  /** The walk gave up GETBULK or lowered max-repetitions for this agent. */
  bulkFallback?: string;
}

export interface GroupOutput {
  group: string;
  samples: MetricSample[];
  /** When these samples were observed, if not the cycle's start (an RMON history bucket's interval start). */
  ts?: number;
}

export interface PollOutcome {
  ts: number;
  groups: GroupOutput[];
  status: PollStatus;
}

/** Everything a sampler may use besides the readings: the cycle's context (counters, sysUpTime, ts). */
export type SamplerContext = SampleContext;

/** What a sampler returns: the groups to publish and the counters that produced no rate. */
export interface SamplerOutput {
  groups: GroupOutput[];
  noRate: Partial<Record<NoRateReason, number>>;
}

/**
 * Turns one cycle's group readings into published groups. The default reads each group on its
 * own (groupSamples); a collector that joins tables (RMON etherStats × IF-MIB names) or keeps
 * its own state (history bucket indexes) passes its own.
 */
export type DeviceSampler = (target: PollTarget, readings: readonly GroupReading[], ctx: SamplerContext) => Promise<SamplerOutput>;

/** What a group reader may use: the device's session and walk options, and this cycle so far. */
export interface ReadContext {
  session: SnmpSession;
  walk: WalkOptions;
  target: PollTarget;
  ts: number;
  sysUpTime?: number;
  /** The groups already read this cycle, in profile order. */
  readings: readonly GroupReading[];
}

/**
 * Reads a group its own way — typically only part of a table (RMON history buckets after the
 * last one published) — or returns undefined to have it read whole (pollGroup).
 */
export type GroupReader = (group: MetricGroup, ctx: ReadContext) => Promise<GroupReading> | undefined;

export interface DevicePollerOptions {
  walk: Omit<WalkOptions, 'maxRepetitions' | 'capabilities'>;
  maxGapIntervals: number;
  sampler?: DeviceSampler;
  reader?: GroupReader;
}

const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';

/**
 * One poll cycle of one device: sysUpTime + sysObjectID (reachability, response time, restart
 * detection, profile), then every group of the profile, then counters → rates. Never throws:
 * every failure ends up in `status` (a per-device error status), other devices unaffected.
 */
export class DevicePoller {
  private readonly capabilities = new Map<string, WalkCapabilities>();

  constructor(
    private readonly pool: SnmpSessionPool,
    private readonly profiles: GroupSelector,
    private readonly counters: CounterCache,
    private readonly options: DevicePollerOptions,
  ) {}

  async poll(target: PollTarget, now: () => number = Date.now): Promise<PollOutcome> {
    const started = now();
    const c = target.snmp.credential;
    const status: PollStatus = {
      device: target.device.id,
      reachable: false,
      version: c.version,
      securityLevel: c.version === 'v3' ? c.level : 'noAuthNoPriv',
      profile: target.profile ?? 'unknown',
      durationMs: 0,
      requests: 0,
      varbinds: 0,
      parsed: 0,
      dropped: {},
      timeouts: 0,
      errors: [],
      missing: 0,
      noRate: {},
    };
    const groups: GroupOutput[] = [];
    const finish = (): PollOutcome => {
      status.durationMs = now() - started;
      return { ts: started, groups, status };
    };
    const fail = (err: unknown): void => {
      const e = err instanceof SnmpError ? err : new SnmpError('agent-error', `device ${target.device.id}: ${(err as Error)?.message ?? String(err)}`, { device: target.device.id });
      status.errors.push(e);
      if (e.code === 'timeout') status.timeouts++;
    };

    let session;
    try {
      session = await this.pool.session(target.snmp);
    } catch (err) {
      fail(err);
      return finish();
    }

    let sysUpTime: number | undefined;
    let sysObjectId: string | undefined;
    try {
      const t0 = now();
      status.requests++;
      const [up, oid] = await session.get([SYS_UPTIME, SYS_OBJECT_ID]);
      status.responseMs = now() - t0;
      status.reachable = true;
      if (up?.type === 'TimeTicks' && typeof up.value === 'number') sysUpTime = up.value;
      if (oid?.type === 'OID' && typeof oid.value === 'string') sysObjectId = oid.value;
      for (const [vb, used] of [[up, sysUpTime !== undefined], [oid, sysObjectId !== undefined]] as const) {
        if (!vb) continue;
        status.varbinds++;
        if (used) status.parsed++;
        else dropVarbinds(status, isException(vb.type) ? 'unsupported' : 'malformed');
      }
    } catch (err) {
      // v1 agents without sysObjectID answer noSuchName; anything else means unreachable
      fail(err);
      return finish();
    }

    const profile: ResolvedProfile = (target.profile ? this.profiles.named(target.profile) : undefined) ?? this.profiles.select(sysObjectId);
    status.profile = profile.name;
    let caps = this.capabilities.get(target.device.id);
    if (!caps) this.capabilities.set(target.device.id, (caps = {}));
    // retry full GETBULK an hour after a downgrade (tooBig, garbled or out-of-order answers)
    expireDowngrades(caps, now(), 3_600_000);
    const walk: WalkOptions = { ...this.options.walk, maxRepetitions: target.maxRepetitions, capabilities: caps };
    let counters;
    try {
      counters = await this.counters.load(target.device.id);
    } catch {
      counters = new Map();
    }
    const ctx = {
      ts: started,
      ...(sysUpTime === undefined ? {} : { sysUpTime }),
      counters,
      maxGapMs: target.intervalMs * this.options.maxGapIntervals,
      baseLabels: {},
    };

    const readings: GroupReading[] = [];
    for (const group of profile.groups) {
      try {
        const custom = this.options.reader?.(group, { session, walk, target, ts: started, ...(sysUpTime === undefined ? {} : { sysUpTime }), readings });
        const reading = custom ? await custom : await pollGroup(session, group, walk);
        status.requests += reading.requests;
        status.varbinds += reading.varbinds;
        status.parsed += reading.parsed;
        addDropped(status, reading.dropped);
        status.missing += reading.missing;
        if (reading.fallback) status.bulkFallback = caps.bulkBrokenReason ?? reading.fallback;
        if (this.options.sampler) readings.push(reading);
        else {
          const out = groupSamples(group, reading, ctx);
          addNoRate(status, out.noRate);
          if (out.samples.length > 0) groups.push({ group: group.name, samples: out.samples });
        }
      } catch (err) {
        fail(err);
        const lost = varbindsReadBefore(err);
        status.varbinds += lost;
        dropVarbinds(status, 'incomplete', lost);
        // a device that stopped answering would cost timeout × retries for every further group
        if (err instanceof SnmpError && err.code === 'timeout') break;
      }
    }
    if (this.options.sampler) {
      try {
        const out = await this.options.sampler(target, readings, ctx);
        addNoRate(status, out.noRate);
        for (const g of out.groups) if (g.samples.length > 0) groups.push(g);
      } catch (err) {
        fail(err);
      }
    }
    try {
      await this.counters.save(target.device.id, target.intervalMs * this.options.maxGapIntervals);
    } catch (err) {
      fail(new SnmpError('socket', `device ${target.device.id}: cannot save counter state: ${(err as Error).message}`, { device: target.device.id }));
    }
    return finish();
  }

  /** Bulk handling learned for a device (reset when the device is removed). */
  capabilitiesOf(device: string): WalkCapabilities | undefined {
    return this.capabilities.get(device);
  }

  forget(device: string): void {
    this.capabilities.delete(device);
    this.counters.forget(device);
  }
}

function addNoRate(status: PollStatus, noRate: Partial<Record<NoRateReason, number>>): void {
  for (const [reason, n] of Object.entries(noRate)) {
    status.noRate[reason as NoRateReason] = (status.noRate[reason as NoRateReason] ?? 0) + (n ?? 0);
  }
}

/** The per-device poll status as `<prefix>_*` samples (`snmp_poll_reachable`…, payloads/snmp-metric.ts). */
export function statusSamples(status: PollStatus, skipped: number, prefix = 'snmp_poll'): MetricSample[] {
  const labels: Record<string, string> = { version: status.version, security_level: status.securityLevel, profile: status.profile };
  const first = status.errors[0];
  const reachableLabels = first
    ? { ...labels, error: first.reason, error_detail: first.message.slice(0, 240) }
    : labels;
  const s = (name: string, value: number, unit = '', type: MetricSample['type'] = 'gauge', l = labels): MetricSample => ({ name, labels: l, value, unit, type });
  const out: MetricSample[] = [
    s(`${prefix}_reachable`, status.reachable ? 1 : 0, '', 'status', reachableLabels),
    s(`${prefix}_duration_ms`, status.durationMs, 'ms'),
    s(`${prefix}_errors`, status.errors.length),
    s(`${prefix}_timeouts`, status.timeouts),
    s(`${prefix}_requests`, status.requests),
    s(`${prefix}_varbinds`, status.varbinds),
    s(`${prefix}_missing_objects`, status.missing),
    s(`${prefix}_skipped`, skipped),
  ];
  if (status.responseMs !== undefined) out.push(s(`${prefix}_response_ms`, status.responseMs, 'ms'));
  for (const [reason, n] of Object.entries(status.noRate)) out.push(s(`${prefix}_rates_withheld`, n ?? 0, '', 'gauge', { ...labels, reason }));
  if (status.bulkFallback) out.push(s(`${prefix}_bulk_fallback`, 1, '', 'status', { ...labels, reason: status.bulkFallback }));
  return out;
}
