import type { EventBus } from '@sonde/bus/event-bus';
import { createEvent, type EventOrigin } from '@sonde/events/create-event';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { CounterCache, type CounterStateBackend } from '@sonde/snmp/counters/counter-cache';
import { SnmpSessionPool } from '@sonde/snmp/session/snmp-session-pool';
import { DevicePoller, statusSamples, type PollOutcome, type PollTarget } from './device-poller';
import { PollScheduler, type CycleInfo } from './poll-scheduler';
import { ProfileSelector } from './profile-selector';
import type { SnmpPollerMetrics } from './snmp-poller.metrics';
import type { SnmpPollerConfig } from './snmp-poller.config';
import { VersionAccounting, type VersionSummary } from './version-accounting';

export interface SnmpPollerDeps {
  config: SnmpPollerConfig;
  bus: Pick<EventBus, 'publish'>;
  origin: EventOrigin;
  /** The state store (Redis / memory): last counter readings survive a poller restart. */
  state?: CounterStateBackend;
  metrics?: SnmpPollerMetrics;
  /** Rate-limited by the caller (RateLimitedLog): one line per device per interval. */
  onError?: (device: string, reason: string, message: string) => void;
  /** Clock for sample timestamps (tests and the lab share a fake one); default Date.now. */
  now?: () => number;
  /**
   * Whether this replica polls the device (TargetAssignment.owns, design.md §5); default: every
   * device. Asked again for every target on `reassign()`.
   */
  owns?: (deviceId: string) => boolean;
}

/** What a reassignment changed: device ids now polled here, and those handed to another replica. */
export interface Reassignment {
  gained: string[];
  lost: string[];
}

/** The status group name: `snmp_poll_*` samples of every cycle go in one event under it. */
export const POLL_STATUS_GROUP = 'snmp_poll';

/**
 * The poller: schedules every target, runs its cycle, publishes `snmp.metric` events (one per
 * metric group, plus the `snmp_poll` status group), and keeps version accounting. No Nest here.
 */
export class SnmpPoller {
  readonly pool: SnmpSessionPool;
  readonly versions = new VersionAccounting();
  private readonly devicePoller: DevicePoller;
  private readonly scheduler: PollScheduler<PollTarget>;
  private readonly cache: CounterCache;
  /** Every target of the site (all replicas together); `targets` = the ones this replica owns. */
  private all: PollTarget[] = [];
  private targets: PollTarget[] = [];
  private started = false;
  readonly totals = { cycles: 0, skipped: 0, late: 0, varbinds: 0, events: 0, publishErrors: 0 };

  constructor(private readonly deps: SnmpPollerDeps) {
    const c = deps.config;
    this.pool = new SnmpSessionPool({
      sharedSockets: c.sockets.shared,
      recvBufferBytes: c.sockets.recvBufferBytes,
      maxOpenSessions: c.sockets.maxOpenSessions,
      perDeviceConcurrency: c.concurrency.perDevice,
      overallConcurrency: c.concurrency.overall,
    });
    this.cache = new CounterCache(deps.state, c.intervalMs * c.maxGapIntervals);
    this.devicePoller = new DevicePoller(this.pool, new ProfileSelector(c), this.cache, {
      walk: { varbindBudget: c.bulkVarbindBudget, maxVarbinds: c.maxVarbindsPerWalk },
      maxGapIntervals: c.maxGapIntervals,
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
      this.versions.forget(id);
      this.devicePoller.forget(id);
      void this.pool.forget(id);
    }
    this.targets = owned;
    if (this.started) this.scheduler.set(owned);
    return { gained, lost };
  }

  start(): void {
    this.started = true;
    this.scheduler.set(this.targets);
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

  /** Device ids this replica polls, in inventory order. */
  get ownedDeviceIds(): string[] {
    return this.targets.map((t) => t.device.id);
  }

  versionSummary(): VersionSummary {
    return this.versions.summary();
  }

  /** One cycle of one device, published. Never throws (failures are the status). */
  async cycle(target: PollTarget, info: CycleInfo = { due: Date.now(), skipped: 0 }): Promise<PollOutcome> {
    const outcome = await this.devicePoller.poll(target, this.deps.now);
    const { status } = outcome;
    const m = this.deps.metrics;
    this.totals.cycles++;
    this.totals.varbinds += status.varbinds;
    this.versions.record(target.device.id, { version: status.version, securityLevel: status.securityLevel, reachable: status.reachable });
    const events: SondeEvent[] = [];
    const max = this.deps.config.maxSamplesPerEvent;
    for (const g of outcome.groups) {
      for (let i = 0; i < g.samples.length; i += max) {
        events.push(createEvent('snmp.metric', this.deps.origin, target.device, { group: g.group, samples: g.samples.slice(i, i + max) }, outcome.ts));
      }
    }
    events.push(createEvent('snmp.metric', this.deps.origin, target.device, { group: POLL_STATUS_GROUP, samples: statusSamples(status, info.skipped) }, outcome.ts));
    if (m) {
      m.polls.inc({ result: !status.reachable ? 'unreachable' : status.errors.length ? 'partial' : 'ok' });
      m.requests.inc(status.requests);
      m.received.inc(status.varbinds);
      m.parsed.inc(events.reduce((n, e) => n + (e.kind === 'snmp.metric' ? e.payload.samples.length : 0), 0));
      m.duration.observe(status.durationMs / 1000);
      for (const e of status.errors) m.errors.inc({ reason: e.reason });
      for (const [reason, n] of Object.entries(status.noRate)) m.ratesWithheld.inc({ reason }, n ?? 0);
    }
    const first = status.errors[0];
    if (first) this.deps.onError?.(target.device.id, first.reason, first.message);
    try {
      await this.deps.bus.publish(events);
      this.totals.events += events.length;
      m?.published.inc(events.length);
    } catch (err) {
      this.totals.publishErrors++;
      m?.dropped.inc({ reason: 'bus-full', stage: 'publish' }, events.length);
      this.deps.onError?.(target.device.id, 'publish', (err as Error).message);
    }
    return outcome;
  }
}
