import { EventPublisher } from '@sonde/collector/event-publisher';
import { createEvent, type EventOrigin } from '@sonde/events/create-event';
import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import type { DeviceRef, SondeEvent } from '@sonde/events/sonde-event';
import { CounterCache, type CounterStateBackend } from '../counters/counter-cache';
import { SnmpSessionPool, type OpenNetSnmpSession } from '../session/snmp-session-pool';
import { DevicePoller, statusSamples, type DeviceSampler, type GroupReader, type GroupSelector, type PollOutcome, type PollStatus, type PollTarget } from './device-poller';
import type { PollEngineMetrics } from './poll-engine.metrics';
import { PollScheduler, type CycleInfo } from './poll-scheduler';
import { VARBIND_DROPS, type VarbindDropReason } from './varbind-counts';

/** The event kinds whose payload is "samples of one group/table of one device". */
export type SamplesKind = 'snmp.metric' | 'rmon.sample';

/**
 * One event per group per device, keyed by kind (variants in a map, style.md): the poller names
 * the group (`group`), the rmon-collector names the RMON table (`table`).
 */
const SAMPLE_EVENTS: { [K in SamplesKind]: (origin: EventOrigin, device: DeviceRef, group: string, samples: MetricSample[], ts: number) => SondeEvent } = {
  'snmp.metric': (origin, device, group, samples, ts) => createEvent('snmp.metric', origin, device, { group, samples }, ts),
  'rmon.sample': (origin, device, table, samples, ts) => createEvent('rmon.sample', origin, device, { table, samples }, ts),
};

/** The engine's settings; the snmp-poller's and the rmon-collector's config sections both have them. */
export interface PollEngineConfig {
  intervalMs: number;
  jitter: number;
  lateAfterMs: number;
  maxGapIntervals: number;
  maxSamplesPerEvent: number;
  bulkVarbindBudget: number;
  maxVarbindsPerWalk: number;
  concurrency: { perDevice: number; overall: number };
  sockets: { shared: number; recvBufferBytes: number; maxOpenSessions: number };
}


export interface PollEngineDeps {
  config: PollEngineConfig;
  /** The event kind of every event (`snmp.metric` for the poller, `rmon.sample` for RMON). */
  kind: SamplesKind;
  /** The groups each device gets (by sysObjectID profile, or fixed). */
  groups: GroupSelector;
  /** Name of the per-cycle status group and prefix of its samples (`snmp_poll` → snmp_poll_reachable). */
  statusGroup: string;
  /** Samples from the group readings; default: groupSamples per group (raw values and rates). */
  sampler?: DeviceSampler;
  /** Reads some groups its own way (only the new rows of a table); default: every group whole. */
  reader?: GroupReader;
  /** State-store key prefix of the counter cache, one per collector so two never share readings. */
  counterPrefix?: string;
  bus: { publish(events: readonly SondeEvent[]): Promise<void> };
  origin: EventOrigin;
  /** The state store (Redis / memory): last counter readings survive a restart. */
  state?: CounterStateBackend;
  /** The engine's counters (poll-engine.metrics.ts), which each service's metrics class extends. */
  metrics?: PollEngineMetrics;
  /** Opens each agent's net-snmp session (the unit-spec seam, SnmpSessionPoolOptions.openSession). */
  openSession?: OpenNetSnmpSession;
  /** Rate-limited by the caller (RateLimitedLog): one line per device per interval. */
  onError?: (device: string, reason: string, message: string) => void;
  /** Clock for sample timestamps (tests and the lab share a fake one); default Date.now. */
  now?: () => number;
  /**
   * Whether this replica polls the device (TargetAssignment.owns, design.md §5); default: every
   * device. Asked again for every target on `reassign()`.
   */
  owns?: (deviceId: string) => boolean;
  /** After each cycle, before publishing (version accounting, per-device support summaries). */
  onCycle?: (target: PollTarget, outcome: PollOutcome) => void;
  /** A device left this replica (or the inventory): drop what is kept about it. */
  onForget?: (deviceId: string) => void;
}

/**
 * What a service on the engine (snmp-poller, rmon-collector) is built from: its own config
 * section and metrics class, and the engine's seams; the service names kind, groups and status.
 */
export type PollServiceDeps<C extends PollEngineConfig, M extends PollEngineMetrics> = Pick<
  PollEngineDeps,
  'bus' | 'origin' | 'state' | 'onError' | 'now' | 'owns' | 'openSession'
> & { config: C; metrics?: M };

/** What a reassignment changed: device ids now polled here, and those handed to another replica. */
export interface Reassignment {
  gained: string[];
  lost: string[];
}

/**
 * The poll engine shared by the snmp-poller and the rmon-collector: schedules every owned
 * target, runs its cycle (DevicePoller), turns the outcome into events of the configured kind
 * (one per group, split at maxSamplesPerEvent, plus the status group) and publishes them.
 * No Nest here; the services wire it.
 */
export class PollEngine {
  readonly pool: SnmpSessionPool;
  protected readonly devicePoller: DevicePoller;
  private readonly scheduler: PollScheduler<PollTarget>;
  private readonly cache: CounterCache;
  /** Every target of the site (all replicas together); `targets` = the ones this replica owns. */
  private all: PollTarget[] = [];
  private targets: PollTarget[] = [];
  private started = false;
  /** Whether the first assignment since start() was scheduled (it spreads over the phases). */
  private placed = false;
  readonly totals = { cycles: 0, skipped: 0, late: 0, varbinds: 0, events: 0, publishErrors: 0 };

  /** libs/collector's publisher, awaited once per cycle (`offer`): refusals counted, no retry. */
  private readonly publisher: EventPublisher;

  constructor(private readonly deps: PollEngineDeps) {
    const c = deps.config;
    const m = deps.metrics;
    this.publisher = new EventPublisher(
      deps.bus,
      { published: (n) => m?.published.inc(n), dropped: (reason, stage, n = 1) => m?.eventsDropped.inc({ reason, stage }, n) },
      { maxEvents: c.maxSamplesPerEvent, maxWaitMs: 0, maxPendingEvents: 1 },
      // refusals reach the caller's rate-limited log through onError, per device
      { warn: () => undefined },
    );
    this.pool = new SnmpSessionPool({
      sharedSockets: c.sockets.shared,
      recvBufferBytes: c.sockets.recvBufferBytes,
      maxOpenSessions: c.sockets.maxOpenSessions,
      perDeviceConcurrency: c.concurrency.perDevice,
      overallConcurrency: c.concurrency.overall,
      ...(deps.openSession ? { openSession: deps.openSession } : {}),
    });
    this.cache = new CounterCache(deps.state, c.intervalMs * c.maxGapIntervals, deps.counterPrefix);
    this.devicePoller = new DevicePoller(this.pool, deps.groups, this.cache, {
      walk: { varbindBudget: c.bulkVarbindBudget, maxVarbinds: c.maxVarbindsPerWalk },
      maxGapIntervals: c.maxGapIntervals,
      ...(deps.sampler ? { sampler: deps.sampler } : {}),
      ...(deps.reader ? { reader: deps.reader } : {}),
    });
    this.scheduler = new PollScheduler<PollTarget>({
      jitter: c.jitter,
      lateAfterMs: c.lateAfterMs,
      run: (target, info) => this.cycle(target, info).then(() => undefined),
      onSkip: (_t, reason) => {
        this.totals.skipped++;
        deps.metrics?.skipped.inc({ reason });
      },
      onLate: () => {
        this.totals.late++;
        deps.metrics?.late.inc();
      },
    });
  }

  /** The site's targets; this replica schedules those it owns (all of them without `owns`). */
  setTargets(targets: PollTarget[]): void {
    this.all = targets;
    this.schedule();
  }

  /**
   * The ownership changed (a rebalance): starts the schedules of gained devices and stops those
   * of lost ones (a cycle in flight finishes). A lost device's last counter readings stay in the
   * state store, so the replica that gains it computes rates from them (with a shared Redis).
   * After the first assignment, a gained device whose last poll is overdue runs at once
   * (`runOverdue`): that is the failover of a dead replica's devices.
   */
  reassign(): Reassignment {
    return this.schedule();
  }

  private schedule(): Reassignment {
    const owns = this.deps.owns;
    const owned = owns ? this.all.filter((t) => owns(t.device.id)) : this.all;
    const before = new Set(this.targets.map((t) => t.device.id));
    const gained: string[] = [];
    for (const t of owned) if (!before.delete(t.device.id)) gained.push(t.device.id);
    const lost = [...before];
    for (const id of lost) {
      this.deps.onForget?.(id);
      this.devicePoller.forget(id);
      void this.pool.forget(id);
    }
    this.targets = owned;
    if (this.started) {
      this.scheduler.set(owned);
      if (this.placed) this.runOverdue(owned, gained);
      this.placed = true;
    }
    return { gained, lost };
  }

  /**
   * Devices that arrived after the first assignment — taken over from another replica, or new in
   * the inventory — are polled now rather than at their next slot (up to one interval away) when
   * their last poll, as the counter readings in the state store tell, is more than an interval
   * old: a SIGKILLed replica's devices are then polled again within the session timeout, not
   * the session timeout plus an interval. No reading (no shared state store, or none within its
   * TTL) counts as overdue: one early poll is cheaper than a gap. A device its previous owner
   * polled within the interval (a replica joined or left gracefully) keeps its slot, so nothing
   * is polled twice in an interval then.
   */
  private runOverdue(owned: readonly PollTarget[], gained: readonly string[]): void {
    if (gained.length === 0) return;
    const now = this.deps.now ?? Date.now;
    const interval = new Map(owned.map((t) => [t.device.id, t.intervalMs]));
    for (const id of gained) {
      const intervalMs = interval.get(id);
      if (intervalMs === undefined) continue;
      const run = () => void this.scheduler.runFirstNow(id);
      this.cache.lastReadingAt(id).then((last) => {
        if (last === undefined || last + intervalMs <= now()) run();
      }, run);
    }
  }

  start(): void {
    this.started = true;
    this.scheduler.set(this.targets);
    // without sharding every target is placed now; with it, the first assignment places them
    this.placed = this.deps.owns === undefined;
  }

  async stop(): Promise<void> {
    this.started = false;
    await this.scheduler.stop();
    await this.pool.close();
  }

  /** Targets this replica polls (owned). */
  get targetCount(): number {
    return this.targets.length;
  }

  /** Targets of the site, all replicas together. */
  get siteTargetCount(): number {
    return this.all.length;
  }

  /** The targets this replica polls (owned), in inventory order. */
  get ownedTargets(): readonly PollTarget[] {
    return this.targets;
  }

  /** Device ids this replica polls, in inventory order. */
  get ownedDeviceIds(): string[] {
    return this.targets.map((t) => t.device.id);
  }

  /** One cycle of one device, published. Never throws (failures are the status). */
  async cycle(target: PollTarget, info: CycleInfo = { due: Date.now(), skipped: 0 }): Promise<PollOutcome> {
    const outcome = await this.devicePoller.poll(target, this.deps.now);
    const { status } = outcome;
    const m = this.deps.metrics;
    this.totals.cycles++;
    this.totals.varbinds += status.varbinds;
    this.deps.onCycle?.(target, outcome);
    const toEvent = SAMPLE_EVENTS[this.deps.kind];
    const events: SondeEvent[] = [];
    let samples = 0;
    const max = this.deps.config.maxSamplesPerEvent;
    for (const g of outcome.groups) {
      for (let i = 0; i < g.samples.length; i += max) {
        const slice = g.samples.slice(i, i + max);
        samples += slice.length;
        events.push(toEvent(this.deps.origin, target.device, g.group, slice, g.ts ?? outcome.ts));
      }
    }
    const status_ = statusSamples(status, info.skipped, this.deps.statusGroup);
    samples += status_.length;
    events.push(toEvent(this.deps.origin, target.device, this.deps.statusGroup, status_, outcome.ts));
    if (m) {
      m.polls.inc({ result: pollResult(status) });
      m.requests.inc(status.requests);
      m.received.inc(status.varbinds);
      m.parsed.inc(status.parsed);
      for (const [reason, n] of Object.entries(status.dropped)) m.dropped.inc({ reason, stage: VARBIND_DROPS[reason as VarbindDropReason] }, n ?? 0);
      m.samples.inc(samples);
      m.duration.observe(status.durationMs / 1000);
      for (const e of status.errors) m.errors.inc({ reason: e.reason });
      for (const [reason, n] of Object.entries(status.noRate)) m.ratesWithheld.inc({ reason }, n ?? 0);
    }
    const first = status.errors[0];
    if (first) this.deps.onError?.(target.device.id, first.reason, first.message);
    if (await this.publisher.offer(events)) this.totals.events += events.length;
    else {
      this.totals.publishErrors++;
      this.deps.onError?.(target.device.id, 'publish', 'the bus refused the events of this cycle');
    }
    return outcome;
  }
}

function pollResult(status: PollStatus): 'ok' | 'partial' | 'unreachable' {
  return !status.reachable ? 'unreachable' : status.errors.length ? 'partial' : 'ok';
}
