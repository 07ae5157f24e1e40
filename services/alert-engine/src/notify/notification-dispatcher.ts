import { createHash } from 'node:crypto';
import type { StateStore } from '@sonde/state/state-store';
import { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import { alertFromTransition, transitionSequence, type AlertTransitionEvent } from './alert-from-transition';
import type { AlertMuting } from './alert-muting';
import { commonOf, type Notification } from './notification';
import { NotificationLog } from './notification-log';
import { NotifyError, type Notifier } from './notifier';
import type { NotifyAlert } from './notify-alert';
import type { NotifyConfig } from './notify.config';
import type { NotifyMetrics } from './notify.metrics';
import { backoffDelay } from './retry-policy';
import type { Route, RouteTree } from './route-tree';
import type { Scheduler, TimerHandle } from './scheduler';
import { TokenBucket } from './token-bucket';

export interface DispatchLogger {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

/**
 * What a config reload replaces (NotifyStage.reload): the routing tree, muting (time intervals,
 * maintenance windows), the notifiers per receiver, and the reloadable keys of the config
 * (externalURL, retry, rateLimit). Keys that shape the shared state (keyPrefix, syncInterval,
 * notificationLog) are read from the boot config only.
 */
export interface DispatchRouting {
  config: NotifyConfig;
  tree: RouteTree;
  muting: AlertMuting;
  /** Receiver name → its notifiers (in config order). */
  receivers: ReadonlyMap<string, readonly Notifier[]>;
}

export interface NotificationDispatcherDeps extends DispatchRouting {
  state: StateStore;
  scheduler: Scheduler;
  metrics: NotifyMetrics;
  logger: DispatchLogger;
  /** This replica's name in leases and claims. */
  holder: string;
  random?: () => number;
}

/** One aggregation group this replica owns (its timer; the alerts themselves live in the StateStore). */
interface Group {
  key: string;
  route: Route;
  timer: TimerHandle | null;
  flushing: Promise<void> | null;
  again: boolean;
  hasFlushed: boolean;
}

interface GroupMeta {
  routeKey: string;
  lastNotifiedAt?: number;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/**
 * The notification stage (issue 9 items 7–10): routes each alert transition into its
 * aggregation groups, runs Alertmanager's group_wait / group_interval / repeat_interval timers,
 * leaves out muted alerts, and sends each notification once through the shared
 * notification log, with retries, backoff and a per-receiver rate limit.
 *
 * Everything a crash must not lose is in the StateStore before `ingest()` resolves (and so
 * before the bus commits the offset): the alert in its group, the group in the group index.
 * Timers are in memory; a group whose owner died is adopted by the next `sweep()` of any
 * replica once the owner's lease expired.
 */
export class NotificationDispatcher {
  private readonly groups = new Map<string, Group>();
  private routing: DispatchRouting & { routesByKey: ReadonlyMap<string, Route> };
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly log: NotificationLog;
  private readonly prefix: string;
  private readonly leaseTtl: number;
  private sweepTimer: TimerHandle | null = null;
  private stopped = false;
  private readonly inflight = new Set<Promise<void>>();
  /** Groups being moved after a reload (rehome()): our lease is still on them, the sweep must not adopt them meanwhile. */
  private readonly rehoming = new Set<string>();
  /** StateStore outages fail every group's flush: one line a minute, then a count. */
  private readonly failures: RateLimitedLog;

  constructor(private readonly deps: NotificationDispatcherDeps) {
    const c = deps.config;
    this.prefix = c.keyPrefix;
    this.leaseTtl = Math.max(3 * c.syncInterval, 1000);
    this.log = new NotificationLog(deps.state, c.keyPrefix, deps.holder, c.notificationLog.claimTtl, c.notificationLog.retention);
    this.routing = withRouteIndex(deps);
    this.failures = new RateLimitedLog(deps.logger, { clock: deps.scheduler });
  }

  private groupHash(key: string): string {
    return `${this.prefix}group:${key}`;
  }

  /** Applies transitions in order; resolves once each is durable in the StateStore. */
  async ingest(events: readonly AlertTransitionEvent[]): Promise<void> {
    for (const e of events) {
      this.deps.metrics.transitionsReceived.inc({ transition: e.payload.transition ?? e.payload.state });
      // one routing per transition: a reload swaps it between two transitions, never within one
      const { tree, config } = this.routing;
      const alert = alertFromTransition(e, config.externalURL);
      if (!alert) {
        this.deps.metrics.transitionsSkipped.inc({ reason: 'not_notifiable' });
        continue;
      }
      if (!(await this.isNewer(alert, tree))) {
        this.deps.metrics.transitionsSkipped.inc({ reason: 'replayed' });
        continue;
      }
      if (alert.status === 'firing') await this.deps.state.hset(`${this.prefix}alerts`, { [alert.fingerprint]: JSON.stringify(alert) });
      else await this.deps.state.hdel(`${this.prefix}alerts`, alert.fingerprint);
      for (const route of tree.match(alert.labels)) {
        const key = route.groupKey(alert.labels);
        await this.deps.state.hset(this.groupHash(key), { [`a:${alert.fingerprint}`]: JSON.stringify(alert) });
        await this.deps.state.hset(`${this.prefix}groups`, { [key]: JSON.stringify({ routeKey: route.key }) });
        await this.touch(key, route, alert);
      }
    }
  }

  /**
   * Drops a transition older than one already applied (a redelivery after a crash replays from
   * the last committed offset): the sequence in the transition id is monotonic per series.
   */
  private async isNewer(alert: NotifyAlert, tree: RouteTree): Promise<boolean> {
    const seq = transitionSequence(alert.transitionId);
    if (seq === null) return true;
    const key = `${this.prefix}seq:${alert.fingerprint}`;
    const last = Number((await this.deps.state.get(key)) ?? -1);
    if (seq <= last) return seq === last && !(await this.alreadyNotified(alert, tree));
    await this.deps.state.set(key, String(seq), this.deps.config.notificationLog.retention);
    return true;
  }

  /** The same transition again: re-apply it only if no group has notified it yet (harmless, idempotent). */
  private async alreadyNotified(alert: NotifyAlert, tree: RouteTree): Promise<boolean> {
    for (const route of tree.match(alert.labels)) {
      const h = await this.deps.state.hget(this.groupHash(route.groupKey(alert.labels)), `n:${alert.fingerprint}`);
      if (h !== alert.transitionId) return false;
    }
    return true;
  }

  /** A new alert in a group: start the group (group_wait) or, if it was flushed and waits, keep its timer. */
  private async touch(key: string, route: Route, alert: NotifyAlert): Promise<void> {
    let g = this.groups.get(key);
    if (!g) {
      if (!(await this.deps.state.acquireLease(`${this.prefix}lease:${key}`, this.deps.holder, this.leaseTtl))) return; // another live replica owns it
      if (this.groups.has(key)) return; // a concurrent ingest started it meanwhile
      g = { key, route, timer: null, flushing: null, again: false, hasFlushed: false };
      this.groups.set(key, g);
      await this.deps.state.hset(`${this.prefix}groups`, { [key]: JSON.stringify({ routeKey: route.key }) });
      this.deps.metrics.groups.set(this.groups.size);
      // Alertmanager: an alert older than group_wait flushes at once (e.g. after a restart).
      const wait = alert.startsAt + route.groupWait <= this.deps.scheduler.now() && route.groupWait > 0 ? 0 : route.groupWait;
      this.schedule(g, wait);
      return;
    }
    if (!g.hasFlushed && g.timer === null && g.flushing === null) this.schedule(g, route.groupWait);
  }

  private schedule(g: Group, ms: number): void {
    g.timer?.cancel();
    if (this.stopped) return;
    g.timer = this.deps.scheduler.after(ms, () => {
      g.timer = null;
      this.runFlush(g);
    });
  }

  private runFlush(g: Group): void {
    if (g.flushing) {
      g.again = true;
      return;
    }
    const p = this.flush(g)
      .catch((err: unknown) => {
        this.failures.log('flush', 'state-store', { groupKey: g.key, err: String(err) }, 'flushing an alert group failed; retrying at the next group_interval');
      })
      .finally(() => {
        g.flushing = null;
        this.inflight.delete(p);
        if (!this.groups.has(g.key)) return;
        if (g.again) {
          g.again = false;
          this.runFlush(g);
        } else if (g.timer === null) this.schedule(g, g.route.groupInterval);
      });
    g.flushing = p;
    this.inflight.add(p);
  }

  /**
   * Swaps in a reloaded routing (NotifyStage.reload). Synchronous, so every transition and every
   * flush that starts from here on sees the new routes and receivers, and none sees a mix.
   *
   * A group this replica runs is kept — same key, timers, what was already notified (`n:`), so
   * the same content gets the same idempotency key and is not sent again — when the new tree has
   * a route with the same key (its matchers path) and the same group_by; it takes that route's
   * receiver and timings. Any other group lost its route: it is re-homed (see rehome()).
   */
  reconfigure(next: DispatchRouting): void {
    this.routing = withRouteIndex(next);
    this.buckets.clear(); // a new rateLimit applies at once; waiting notifications keep their own wait
    for (const g of [...this.groups.values()]) {
      const route = this.routing.routesByKey.get(g.route.key);
      if (route && sameGrouping(route, g.route)) {
        g.route = route;
        continue;
      }
      // Leave memory now (synchronously): a transition from here on starts a fresh group.
      this.groups.delete(g.key);
      g.timer?.cancel();
      g.timer = null;
      this.rehoming.add(g.key);
      const p = this.rehome(g).catch((err: unknown) => {
        this.failures.log('rehome', 'state-store', { groupKey: g.key, err: String(err) }, 'moving an alert group whose route was removed by a reload failed; the next sweep adopts it');
      });
      const tracked = p.finally(() => {
        this.rehoming.delete(g.key);
        this.inflight.delete(tracked);
      });
      this.inflight.add(tracked);
    }
    this.deps.metrics.groups.set(this.groups.size);
  }

  /**
   * A group whose route a reload removed (or whose group_by changed) is neither dropped nor
   * flushed to its old receiver: its alerts are routed again through the new tree, into the
   * groups the new config gives them. Dropping would strand them (a resolve would then never be
   * sent: the new group never notified the firing); flushing would send to a receiver the
   * operator just removed. To never notify twice because of a reload, an alert keeps its
   * "notified" mark when its new group sends to the same receiver name as the old one, so that
   * receiver gets only what changes from here on (and its resolve); a receiver that had not seen
   * the alert gets it at its group's next flush. A resolve never notified as firing is dropped.
   */
  private async rehome(g: Group): Promise<void> {
    await g.flushing; // its outcome (the `n:` marks it wrote) is what is carried over
    const { tree } = this.routing;
    const hashKey = this.groupHash(g.key);
    const hash = await this.deps.state.hgetall(hashKey);
    const meta: GroupMeta | undefined = hash.meta ? (JSON.parse(hash.meta) as GroupMeta) : undefined;
    const moved: string[] = [];
    for (const [field, json] of Object.entries(hash)) {
      if (!field.startsWith('a:')) continue;
      const alert = JSON.parse(json) as NotifyAlert;
      const notified = hash[`n:${alert.fingerprint}`];
      let stays = false;
      for (const route of tree.match(alert.labels)) {
        const key = route.groupKey(alert.labels);
        const carry = notified !== undefined && route.receiver === g.route.receiver;
        if (key === g.key) stays = true;
        else if (alert.status === 'resolved' && !carry) continue;
        else {
          const target = this.groupHash(key);
          // a newer transition already routed by the new tree wins over the one carried here
          if ((await this.deps.state.hget(target, field)) !== null) continue;
          const update: Record<string, string> = { [field]: json };
          if (carry) update[`n:${alert.fingerprint}`] = notified;
          if (carry && meta?.lastNotifiedAt !== undefined && (await this.deps.state.hget(target, 'meta')) === null) {
            update.meta = JSON.stringify({ routeKey: route.key, lastNotifiedAt: meta.lastNotifiedAt });
          }
          await this.deps.state.hset(target, update);
          await this.deps.state.hset(`${this.prefix}groups`, { [key]: JSON.stringify({ routeKey: route.key }) });
        }
        await this.touch(key, route, alert);
      }
      if (!stays) moved.push(alert.fingerprint);
    }
    for (const fp of moved) {
      // only what was read: a transition that reached this key meanwhile stays
      if ((await this.deps.state.hget(hashKey, `a:${fp}`)) === hash[`a:${fp}`]) await this.deps.state.hdel(hashKey, `a:${fp}`, `n:${fp}`);
    }
    const rest = await this.deps.state.hgetall(hashKey);
    if (Object.keys(rest).some((f) => f.startsWith('a:')) || this.groups.has(g.key)) return;
    await this.deps.state.hdel(`${this.prefix}groups`, g.key);
    await this.deps.state.hdel(hashKey, 'meta', ...Object.keys(rest));
    if (!this.groups.has(g.key)) await this.deps.state.releaseLease(`${this.prefix}lease:${g.key}`, this.deps.holder);
  }

  /** Resolves when no flush is running (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  private async flush(g: Group): Promise<void> {
    // One route and one routing for the whole flush: a reload meanwhile applies to the next one.
    const route = g.route;
    const routing = this.routing;
    const now = this.deps.scheduler.now();
    const hash = await this.deps.state.hgetall(this.groupHash(g.key));
    const meta: GroupMeta = hash.meta ? (JSON.parse(hash.meta) as GroupMeta) : { routeKey: route.key };
    const alerts: NotifyAlert[] = [];
    for (const [field, json] of Object.entries(hash)) if (field.startsWith('a:')) alerts.push(JSON.parse(json) as NotifyAlert);
    alerts.sort((a, b) => a.startsAt - b.startsAt || a.fingerprint.localeCompare(b.fingerprint));

    const toNotify: NotifyAlert[] = [];
    const dropped: NotifyAlert[] = [];
    let changed = false;
    for (const a of alerts) {
      const notified = hash[`n:${a.fingerprint}`];
      const muted = routing.muting.mutedReason(a, route, now);
      if (muted) this.deps.metrics.mutedAlerts.inc({ reason: muted.split(' ')[0] ?? 'muted' });
      if (a.status === 'resolved' && (notified === undefined || muted)) {
        dropped.push(a); // never notified as firing (or muted now): nothing to resolve at the receiver
        continue;
      }
      if (muted) continue;
      toNotify.push(a);
      if (notified !== a.transitionId) changed = true;
    }
    const hasFiring = toNotify.some((a) => a.status === 'firing');
    const repeatDue = !changed && hasFiring && meta.lastNotifiedAt !== undefined && now - meta.lastNotifiedAt >= route.repeatInterval;
    let done = true;
    if (changed || repeatDue) {
      const ids = toNotify.map((a) => `${a.fingerprint}:${a.transitionId}`).join(',');
      const idempotencyKey = sha256(`${route.receiver}\n${g.key}\n${ids}${repeatDue ? `\nrepeat:${meta.lastNotifiedAt ?? 0}` : ''}`);
      const n: Notification = {
        receiver: route.receiver,
        groupKey: g.key,
        status: hasFiring ? 'firing' : 'resolved',
        groupLabels: route.groupLabels(toNotify[0]?.labels ?? {}),
        commonLabels: commonOf(toNotify.map((a) => a.labels)),
        commonAnnotations: commonOf(toNotify.map((a) => a.annotations)),
        externalURL: routing.config.externalURL,
        alerts: toNotify,
        idempotencyKey,
      };
      done = await this.deliver(n, routing);
      if (done) {
        const update: Record<string, string> = { meta: JSON.stringify({ ...meta, routeKey: route.key, lastNotifiedAt: now }) };
        for (const a of toNotify) if (a.status === 'firing') update[`n:${a.fingerprint}`] = a.transitionId;
        await this.deps.state.hset(this.groupHash(g.key), update);
        dropped.push(...toNotify.filter((a) => a.status === 'resolved'));
      }
    }
    g.hasFlushed = true;
    await this.forget(g, dropped);
  }

  /** Removes resolved alerts from the group (only if no newer transition replaced them meanwhile); drops an empty group. */
  private async forget(g: Group, resolved: readonly NotifyAlert[]): Promise<void> {
    const hashKey = this.groupHash(g.key);
    for (const a of resolved) {
      const current = await this.deps.state.hget(hashKey, `a:${a.fingerprint}`);
      if (current !== null && (JSON.parse(current) as NotifyAlert).transitionId === a.transitionId) await this.deps.state.hdel(hashKey, `a:${a.fingerprint}`, `n:${a.fingerprint}`);
    }
    const rest = await this.deps.state.hgetall(hashKey);
    if (Object.keys(rest).some((f) => f.startsWith('a:'))) {
      // Keep the index entry (an ingest racing an earlier removal may have lost it): adoption after a crash needs it.
      await this.deps.state.hset(`${this.prefix}groups`, { [g.key]: JSON.stringify({ routeKey: g.route.key }) });
      return;
    }
    // Leave memory first (synchronously): an ingest from here on starts a new group and re-registers it.
    g.timer?.cancel();
    this.groups.delete(g.key);
    this.deps.metrics.groups.set(this.groups.size);
    await this.deps.state.hdel(`${this.prefix}groups`, g.key);
    await this.deps.state.hdel(hashKey, 'meta', ...Object.keys(rest));
    if (!this.groups.has(g.key)) await this.deps.state.releaseLease(`${this.prefix}lease:${g.key}`, this.deps.holder);
    else await this.deps.state.hset(`${this.prefix}groups`, { [g.key]: JSON.stringify({ routeKey: g.route.key }) });
  }

  /** Sends to every notifier of the receiver; true once each has sent or given up, false if another replica holds a claim. */
  private async deliver(n: Notification, routing: DispatchRouting): Promise<boolean> {
    const notifiers = routing.receivers.get(n.receiver) ?? [];
    let done = true;
    for (let i = 0; i < notifiers.length; i++) {
      const notifier = notifiers[i];
      if (!notifier) continue;
      const id = `${n.idempotencyKey}:${i}`;
      const claim = await this.log.claim(id);
      if (claim === 'sent') {
        this.deps.metrics.notifications.inc({ receiver: n.receiver, type: notifier.type, outcome: 'duplicate' });
        continue;
      }
      if (claim === 'busy') {
        done = false;
        continue;
      }
      await this.sendWithRetry(n, notifier, id, routing.config);
    }
    return done;
  }

  private async sendWithRetry(n: Notification, notifier: Notifier, id: string, config: NotifyConfig): Promise<void> {
    const { scheduler, metrics, logger } = this.deps;
    const labels = { receiver: n.receiver, type: notifier.type };
    const started = scheduler.now();
    for (let attempt = 0; ; attempt++) {
      const wait = this.bucket(n.receiver).take(scheduler.now());
      if (wait > 0) await scheduler.sleep(wait);
      const abort = new AbortController();
      try {
        await notifier.send(n, abort.signal);
        await this.log.markSent(id);
        metrics.attempts.inc({ ...labels, result: 'ok' });
        metrics.notifications.inc({ ...labels, outcome: 'sent' });
        const newest = Math.max(...n.alerts.map((a) => a.updatedAt));
        if (Number.isFinite(newest)) metrics.latency.observe({ receiver: n.receiver }, Math.max(0, scheduler.now() - newest) / 1000);
        return;
      } catch (err) {
        const e = err instanceof NotifyError ? err : new NotifyError('unavailable', String(err));
        const delay = backoffDelay(attempt, config.retry, this.deps.random);
        const elapsed = scheduler.now() - started;
        if (!e.retryable || elapsed + delay > config.retry.giveUpAfter || this.stopped) {
          if (this.stopped && e.retryable) return; // shutting down: the claim expires and the next owner sends
          metrics.attempts.inc({ ...labels, result: 'error' });
          metrics.givenUp.inc({ ...labels, reason: e.retryable ? 'retry_bound' : e.code });
          metrics.notifications.inc({ ...labels, outcome: 'given_up' });
          await this.log.markGivenUp(id);
          logger.warn(
            { receiver: n.receiver, notifier: notifier.type, destination: notifier.destination, groupKey: n.groupKey, idempotencyKey: n.idempotencyKey, attempts: attempt + 1, err: e.message },
            e.retryable ? `notification given up after ${attempt + 1} attempts in ${elapsed} ms` : 'notification refused by the receiver; not retried',
          );
          return;
        }
        metrics.attempts.inc({ ...labels, result: 'retry' });
        await this.log.extend(id);
        await scheduler.sleep(delay);
      }
    }
  }

  private bucket(receiver: string): TokenBucket {
    let b = this.buckets.get(receiver);
    if (!b) {
      const { rateLimit } = this.routing.config;
      b = new TokenBucket(rateLimit.perSecond, rateLimit.burst, this.deps.scheduler.now());
      this.buckets.set(receiver, b);
    }
    return b;
  }

  /**
   * Periodic (every syncInterval): re-reads silences, renews our group leases, re-checks muted
   * alerts (a silence or window that ended), and adopts groups whose owner's lease expired.
   */
  async sweep(): Promise<void> {
    await this.routing.muting.silences.refresh();
    const lease = (k: string) => `${this.prefix}lease:${k}`;
    for (const g of [...this.groups.values()]) {
      if (!(await this.deps.state.renewLease(lease(g.key), this.deps.holder, this.leaseTtl))) {
        g.timer?.cancel();
        this.groups.delete(g.key);
      }
    }
    const index = await this.deps.state.hgetall(`${this.prefix}groups`);
    for (const [key, json] of Object.entries(index)) {
      if (this.groups.has(key) || this.rehoming.has(key) || this.stopped) continue;
      if (!(await this.deps.state.acquireLease(lease(key), this.deps.holder, this.leaseTtl))) continue;
      const meta = JSON.parse(json) as GroupMeta;
      const route = this.routing.routesByKey.get(meta.routeKey) ?? this.routing.tree.root;
      const g: Group = { key, route, timer: null, flushing: null, again: false, hasFlushed: true };
      this.groups.set(key, g);
      this.schedule(g, 0);
    }
    this.deps.metrics.groups.set(this.groups.size);
  }

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.sweepTimer = this.deps.scheduler.after(this.deps.config.syncInterval, () => {
        this.sweep()
          .catch((err: unknown) => this.failures.log('sweep', 'sweep', { err: String(err) }, 'notification sweep failed'))
          .finally(loop);
      });
    };
    void this.sweep()
      .catch((err: unknown) => this.failures.log('sweep', 'sweep', { err: String(err) }, 'notification sweep failed'))
      .finally(loop);
  }

  /** Stops timers, lets running flushes finish, releases leases so another replica adopts at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.sweepTimer?.cancel();
    for (const g of this.groups.values()) g.timer?.cancel();
    await this.idle();
    for (const g of this.groups.values()) await this.deps.state.releaseLease(`${this.prefix}lease:${g.key}`, this.deps.holder).catch(() => undefined);
    this.groups.clear();
  }
}

function withRouteIndex(routing: DispatchRouting): DispatchRouting & { routesByKey: ReadonlyMap<string, Route> } {
  const routesByKey = new Map<string, Route>();
  for (const r of routing.tree.root.walk()) routesByKey.set(r.key, r);
  return { config: routing.config, tree: routing.tree, muting: routing.muting, receivers: routing.receivers, routesByKey };
}

/** Same group_by (null = `...`): the route groups alerts under the same keys. */
function sameGrouping(a: Route, b: Route): boolean {
  if (a.groupBy === null || b.groupBy === null) return a.groupBy === b.groupBy;
  return a.groupBy.length === b.groupBy.length && a.groupBy.every((l, i) => l === b.groupBy?.[i]);
}
