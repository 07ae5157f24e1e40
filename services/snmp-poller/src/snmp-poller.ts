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

  setTargets(targets: PollTarget[]): void {
    const gone = new Set(this.targets.map((t) => t.device.id));
    for (const t of targets) gone.delete(t.device.id);
    for (const id of gone) {
      this.versions.forget(id);
      this.devicePoller.forget(id);
      void this.pool.forget(id);
    }
    this.targets = targets;
    if (this.started) this.scheduler.set(targets);
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

  get targetCount(): number {
    return this.targets.length;
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
