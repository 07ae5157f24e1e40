import { describe, expect, it } from '@jest/globals';
import { MemoryStateStore } from '@sonde/state/memory/memory-state-store';
import { Registry } from 'prom-client';
import type { AlertTransitionEvent } from './alert-from-transition';
import { AlertMuting } from './alert-muting';
import type { Notification } from './notification';
import { NotificationDispatcher } from './notification-dispatcher';
import { notificationTitle } from './notification-text';
import { NotifyError, type Notifier } from './notifier';
import { notifyConfigSchema } from './notify.config';
import { NotifyMetrics } from './notify.metrics';
import { RouteTree } from './route-tree';
import { SilenceStore } from './silence-store';
import { FakeScheduler } from '../../test/fake-scheduler';

class RecordingNotifier implements Notifier {
  readonly type = 'webhook';
  readonly destination = 'test';
  readonly sent: Notification[] = [];
  attempts = 0;
  down = false;
  send(n: Notification): Promise<void> {
    this.attempts++;
    if (this.down) return Promise.reject(new NotifyError('unavailable', 'connection refused'));
    this.sent.push(n);
    return Promise.resolve();
  }
}

let seq = 0;
function transition(device: string, ifIndex: number, state: 'firing' | 'resolved', ts: number, n = ++seq): AlertTransitionEvent {
  const fingerprint = `fp-${device}-${ifIndex}`;
  return {
    id: `e${n}`,
    ts,
    payload: {
      ruleId: 'link-down',
      state,
      fingerprint,
      since: ts,
      summary: `ifIndex ${ifIndex} down`,
      labels: { alertname: 'LinkDown', device, site: 'lab', ifIndex: String(ifIndex), severity: 'warning' },
      annotations: { summary: `${device} ifIndex ${ifIndex} down` },
      startsAt: ts,
      ...(state === 'resolved' ? { endsAt: ts } : {}),
      transition: state,
      transitionId: `${fingerprint}:${n}`,
    },
  };
}

function setup(notify: Record<string, unknown> = {}, shared?: { state: MemoryStateStore; scheduler: FakeScheduler }, holder = 'a') {
  const scheduler = shared?.scheduler ?? new FakeScheduler();
  const state = shared?.state ?? new MemoryStateStore({ clock: scheduler, autoSweep: false });
  const config = notifyConfigSchema.parse({
    route: { receiver: 'hook', group_by: ['alertname', 'device'], group_wait: '30s', group_interval: '5m', repeat_interval: '4h' },
    receivers: [{ name: 'hook', notifiers: [{ type: 'log' }] }],
    retry: { initialBackoff: '1s', maxBackoff: '8s', giveUpAfter: '2m' },
    rateLimit: { perSecond: 1000, burst: 1000 },
    ...notify,
  });
  const receiver = new RecordingNotifier();
  const silences = new SilenceStore(state, `${config.keyPrefix}silences`, scheduler, 86_400_000);
  const metrics = new NotifyMetrics(new Registry());
  const warnings: string[] = [];
  const dispatcher = new NotificationDispatcher({
    config,
    tree: new RouteTree(config.route),
    state,
    muting: new AlertMuting(config, silences),
    receivers: new Map([['hook', [receiver]]]),
    scheduler,
    metrics,
    logger: { info: () => undefined, warn: (_f, msg) => warnings.push(msg) },
    holder,
    random: () => 1,
  });
  return { scheduler, state, dispatcher, receiver, silences, metrics, warnings };
}

const t0 = Date.UTC(2026, 11, 1, 10, 0, 0);
const transition0 = (state: 'firing' | 'resolved', n: number) => transition('flap1', 1, state, t0, n);

describe('NotificationDispatcher (fake clock, memory StateStore)', () => {
  it('groups 1 000 linkDown transitions from 20 devices into 20 notifications stating the count, after group_wait', async () => {
    const { scheduler, dispatcher, receiver } = setup();
    const events: AlertTransitionEvent[] = [];
    for (let d = 0; d < 20; d++) for (let i = 0; i < 50; i++) events.push(transition(`r${d}`, i, 'firing', t0));
    await dispatcher.ingest(events);
    await scheduler.advance(29_999);
    expect(receiver.sent).toHaveLength(0);
    await scheduler.advance(1);
    expect(receiver.sent).toHaveLength(20);
    for (const n of receiver.sent) {
      expect(n.alerts).toHaveLength(50);
      expect(notificationTitle(n)).toBe(`[FIRING:50] LinkDown (${n.groupLabels.device})`);
      expect(n.commonLabels).toMatchObject({ alertname: 'LinkDown', site: 'lab' });
    }
    expect(new Set(receiver.sent.map((n) => n.idempotencyKey)).size).toBe(20);
  });

  it('sends changes at group_interval, repeats after repeat_interval, and resolves then forgets the group', async () => {
    const { scheduler, dispatcher, receiver, state } = setup();
    await dispatcher.ingest([transition('r1', 1, 'firing', t0)]);
    await scheduler.advance(30_000);
    expect(receiver.sent).toHaveLength(1);
    await dispatcher.ingest([transition('r1', 2, 'firing', scheduler.now())]);
    await scheduler.advance(299_000);
    expect(receiver.sent).toHaveLength(1);
    await scheduler.advance(1_000); // group_interval after the first flush
    expect(receiver.sent).toHaveLength(2);
    expect(receiver.sent[1]?.alerts).toHaveLength(2);
    await scheduler.advance(4 * 3_600_000); // nothing changed: one repeat
    expect(receiver.sent).toHaveLength(3);
    expect(receiver.sent[2]?.idempotencyKey).not.toBe(receiver.sent[1]?.idempotencyKey);
    await dispatcher.ingest([transition('r1', 1, 'resolved', scheduler.now()), transition('r1', 2, 'resolved', scheduler.now())]);
    await scheduler.advance(300_000);
    const last = receiver.sent.at(-1);
    expect(last?.status).toBe('resolved');
    expect(last?.alerts.map((a) => a.status)).toEqual(['resolved', 'resolved']);
    expect(await state.hgetall('sonde:notify:groups')).toEqual({});
    await scheduler.advance(3_600_000 * 5);
    expect(receiver.sent.at(-1)).toBe(last);
  });

  it('a silence suppresses a firing alert and, once expired, lets it through', async () => {
    const { scheduler, dispatcher, receiver, silences } = setup({ route: { receiver: 'hook', group_by: ['...'], group_wait: '0s', group_interval: '10s' }, syncInterval: '5s' });
    const id = await silences.upsert({
      matchers: [{ name: 'device', value: 'r1', isRegex: false }],
      startsAt: new Date(t0).toISOString(),
      endsAt: new Date(t0 + 60_000).toISOString(),
      createdBy: 'ops',
      comment: 'maintenance',
    });
    dispatcher.start();
    await dispatcher.ingest([transition('r1', 1, 'firing', t0), transition('r2', 1, 'firing', t0)]);
    await scheduler.advance(50_000);
    expect(receiver.sent.map((n) => n.alerts[0]?.labels.device)).toEqual(['r2']);
    await scheduler.advance(20_000); // silence over at +60 s; the next group_interval tick sends
    expect(receiver.sent.map((n) => n.alerts[0]?.labels.device)).toEqual(['r2', 'r1']);
    expect(silences.get(id)).toBeDefined();
    await dispatcher.stop();
  });

  it('an expired silence (sonde silence expire) ends suppression at once', async () => {
    const { scheduler, dispatcher, receiver, silences } = setup({ route: { receiver: 'hook', group_by: ['...'], group_wait: '0s', group_interval: '10s' } });
    const id = await silences.upsert({ matchers: [{ name: 'device', value: 'r1', isRegex: false }], startsAt: new Date(t0).toISOString(), endsAt: new Date(t0 + 3_600_000).toISOString(), createdBy: 'ops', comment: 'x' });
    await dispatcher.ingest([transition('r1', 1, 'firing', t0)]);
    await scheduler.advance(30_000);
    expect(receiver.sent).toHaveLength(0);
    await silences.expire(id);
    await scheduler.advance(10_000);
    expect(receiver.sent).toHaveLength(1);
  });

  it('a maintenance window (one-off range and weekly schedule) mutes matching devices only while it lasts', async () => {
    const { scheduler, dispatcher, receiver } = setup({
      route: { receiver: 'hook', group_by: ['...'], group_wait: '0s', group_interval: '1m' },
      maintenanceWindows: [
        { name: 'upgrade', matchers: ['device="r1"'], ranges: [{ start: new Date(t0).toISOString(), end: new Date(t0 + 10 * 60_000).toISOString() }] },
        // 2026-12-01 is a Tuesday; 10:00–10:30 UTC every Tuesday.
        { name: 'weekly', matchers: ['site="lab"', 'device="r2"'], weekly: [{ weekdays: ['tuesday'], times: [{ start_time: '10:00', end_time: '10:30' }] }] },
      ],
    });
    await dispatcher.ingest([transition('r1', 1, 'firing', t0), transition('r2', 1, 'firing', t0), transition('r3', 1, 'firing', t0)]);
    await scheduler.advance(9 * 60_000);
    expect(receiver.sent.map((n) => n.alerts[0]?.labels.device)).toEqual(['r3']);
    await scheduler.advance(2 * 60_000);
    expect(receiver.sent.map((n) => n.alerts[0]?.labels.device)).toEqual(['r3', 'r1']);
    await scheduler.advance(20 * 60_000);
    expect(receiver.sent.map((n) => n.alerts[0]?.labels.device)).toEqual(['r3', 'r1', 'r2']);
  });

  it('mute_time_intervals of a route hold notifications while they last', async () => {
    const { scheduler, dispatcher, receiver } = setup({
      route: { receiver: 'hook', group_by: ['...'], group_wait: '0s', group_interval: '1m', mute_time_intervals: ['lunch'] },
      time_intervals: [{ name: 'lunch', time_intervals: [{ times: [{ start_time: '09:00', end_time: '10:05' }] }] }],
    });
    await dispatcher.ingest([transition('r1', 1, 'firing', t0)]);
    await scheduler.advance(4 * 60_000);
    expect(receiver.sent).toHaveLength(0);
    await scheduler.advance(2 * 60_000);
    expect(receiver.sent).toHaveLength(1);
  });

  it('a receiver that is down is retried with backoff and gets the notification once when back', async () => {
    const { scheduler, dispatcher, receiver } = setup({ route: { receiver: 'hook', group_by: ['...'], group_wait: '0s' } });
    receiver.down = true;
    await dispatcher.ingest([transition('r1', 1, 'firing', t0)]);
    await scheduler.advance(60_000);
    expect(receiver.attempts).toBeGreaterThan(3);
    receiver.down = false;
    await scheduler.advance(10_000);
    expect(receiver.sent).toHaveLength(1);
    await scheduler.advance(600_000);
    expect(receiver.sent).toHaveLength(1);
  });

  it('gives up after retry.giveUpAfter with a metric and one log line, and does not retry it again', async () => {
    const { scheduler, dispatcher, receiver, metrics, warnings } = setup({ route: { receiver: 'hook', group_by: ['...'], group_wait: '0s', group_interval: '1m' } });
    receiver.down = true;
    await dispatcher.ingest([transition('r1', 1, 'firing', t0)]);
    await scheduler.advance(3 * 60_000);
    expect((await metrics.givenUp.get()).values.reduce((s, v) => s + v.value, 0)).toBe(1);
    expect(warnings.filter((w) => w.startsWith('notification given up'))).toHaveLength(1);
    const attempts = receiver.attempts;
    receiver.down = false;
    await scheduler.advance(30 * 60_000);
    expect(receiver.attempts).toBe(attempts);
  });

  it('the per-receiver rate limit makes notifications wait, never drops them', async () => {
    const { scheduler, dispatcher, receiver } = setup({ route: { receiver: 'hook', group_by: ['...'], group_wait: '0s' }, rateLimit: { perSecond: 1, burst: 2 } });
    await dispatcher.ingest(Array.from({ length: 5 }, (_, i) => transition('r1', i, 'firing', t0)));
    await scheduler.advance(0);
    expect(receiver.sent).toHaveLength(2); // the burst
    await scheduler.advance(1_000);
    expect(receiver.sent).toHaveLength(3);
    await scheduler.advance(2_000);
    expect(receiver.sent).toHaveLength(5);
  });

  it('two replicas sharing the StateStore and both given the same transitions notify once', async () => {
    const a = setup({ route: { receiver: 'hook', group_by: ['...'], group_wait: '0s', group_interval: '10s' } }, undefined, 'a');
    const b = setup({ route: { receiver: 'hook', group_by: ['...'], group_wait: '0s', group_interval: '10s' } }, { state: a.state, scheduler: a.scheduler }, 'b');
    const events = [transition('r1', 1, 'firing', t0), transition('r2', 1, 'firing', t0)];
    await a.dispatcher.ingest(events);
    await b.dispatcher.ingest(events); // a redelivery to another replica
    await a.scheduler.advance(60_000);
    expect(a.receiver.sent.length + b.receiver.sent.length).toBe(2);
  });

  it('a redelivered older transition after the resolve does not notify again', async () => {
    const { scheduler, dispatcher, receiver } = setup({ route: { receiver: 'hook', group_by: ['...'], group_wait: '0s', group_interval: '10s' } });
    const firing = transition('r1', 1, 'firing', t0);
    const resolved = transition('r1', 1, 'resolved', t0 + 1000);
    await dispatcher.ingest([firing]);
    await scheduler.advance(10_000);
    await dispatcher.ingest([resolved]);
    await scheduler.advance(20_000);
    expect(receiver.sent.map((n) => n.status)).toEqual(['firing', 'resolved']);
    await dispatcher.ingest([firing, resolved]); // crash before the offset commit: the batch comes again
    await scheduler.advance(60_000);
    expect(receiver.sent.map((n) => n.status)).toEqual(['firing', 'resolved']);
  });

  it('a flapping series sends one "flapping" and one "stopped flapping" notification, whatever its state', async () => {
    const { scheduler, dispatcher, receiver } = setup({ route: { receiver: 'hook', group_by: ['...'], group_wait: '0s', group_interval: '10s' } });
    const flap = (transition: 'flapping-start' | 'flapping-stop', state: 'pending' | 'resolved', n: number): AlertTransitionEvent => {
      const e = transition0(state === 'pending' ? 'firing' : 'resolved', n);
      return { ...e, payload: { ...e.payload, state, transition, flapping: transition === 'flapping-start' } };
    };
    await dispatcher.ingest([flap('flapping-start', 'pending', 1)]);
    await scheduler.advance(10_000);
    await dispatcher.ingest([flap('flapping-stop', 'pending', 2)]);
    await scheduler.advance(20_000);
    expect(receiver.sent.map((n) => [n.alerts[0]?.status, n.alerts[0]?.annotations.flapping])).toEqual([
      ['firing', 'started'],
      ['resolved', 'stopped'],
    ]);
  });

  it('an alert silenced for its whole life is never notified, neither firing nor resolved', async () => {
    const { scheduler, dispatcher, receiver, silences } = setup({ route: { receiver: 'hook', group_by: ['...'], group_wait: '0s', group_interval: '10s' } });
    await silences.upsert({ matchers: [{ name: 'device', value: 'r.*', isRegex: true }], startsAt: new Date(t0).toISOString(), endsAt: new Date(t0 + 3_600_000).toISOString(), createdBy: 'ops', comment: 'x' });
    await dispatcher.ingest([transition('r1', 1, 'firing', t0)]);
    await scheduler.advance(20_000);
    await dispatcher.ingest([transition('r1', 1, 'resolved', scheduler.now())]);
    await scheduler.advance(2 * 3_600_000);
    expect(receiver.sent).toHaveLength(0);
  });
});

describe('NotificationDispatcher.reconfigure (config reload, fake clock)', () => {
  /** A routing as NotifyStage.reload builds it, with recording notifiers per receiver name. */
  function routingOf(notify: Record<string, unknown>, notifiers: Record<string, RecordingNotifier>, silences: SilenceStore) {
    const config = notifyConfigSchema.parse({
      receivers: Object.keys(notifiers).map((name) => ({ name, notifiers: [{ type: 'log' }] })),
      rateLimit: { perSecond: 1000, burst: 1000 },
      ...notify,
    });
    return { config, tree: new RouteTree(config.route), muting: new AlertMuting(config, silences), receivers: new Map(Object.entries(notifiers).map(([k, v]) => [k, [v]])) };
  }
  const ROOT = { receiver: 'hook', group_by: ['alertname', 'device'], group_wait: '30s', group_interval: '5m', repeat_interval: '4h' };

  it('a kept group sends its next notification through the new notifier, once, and keeps what was already notified', async () => {
    const { scheduler, dispatcher, receiver: before, silences } = setup();
    const first = transition('r1', 1, 'firing', t0);
    await dispatcher.ingest([first]);
    await scheduler.advance(30_000);
    expect(before.sent).toHaveLength(1);

    // the same receiver name with another destination (e.g. its webhook URL changed)
    const after = new RecordingNotifier();
    dispatcher.reconfigure(routingOf({ route: ROOT }, { hook: after }, silences));
    await scheduler.advance(3 * 3_600_000); // nothing changed, repeat_interval (4h) not yet due: nothing re-sent
    expect(after.sent).toHaveLength(0);
    await dispatcher.ingest([first]); // the bus redelivers the transition already notified
    await scheduler.advance(300_000);
    expect(after.sent).toHaveLength(0);
    await dispatcher.ingest([transition('r1', 2, 'firing', scheduler.now())]);
    await scheduler.advance(300_000);
    expect(before.sent).toHaveLength(1);
    expect(after.sent).toHaveLength(1);
    expect(after.sent[0]?.groupKey).toBe(before.sent[0]?.groupKey);
    expect(after.sent[0]?.alerts.map((a) => a.fingerprint)).toEqual(['fp-r1-1', 'fp-r1-2']);
    await dispatcher.ingest([transition('r1', 1, 'resolved', scheduler.now()), transition('r1', 2, 'resolved', scheduler.now())]);
    await scheduler.advance(300_000);
    expect(after.sent.map((n) => n.status)).toEqual(['firing', 'resolved']);
    expect(before.sent).toHaveLength(1);
  });

  it('a group still waiting out group_wait keeps its timer and is sent once, to the new destination', async () => {
    const { scheduler, dispatcher, receiver: before, silences } = setup();
    await dispatcher.ingest([transition('r1', 1, 'firing', t0)]);
    await scheduler.advance(10_000);
    const after = new RecordingNotifier();
    dispatcher.reconfigure(routingOf({ route: ROOT }, { hook: after }, silences));
    await scheduler.advance(19_999);
    expect(after.sent).toHaveLength(0);
    await scheduler.advance(1); // the group's own group_wait, not restarted by the reload
    expect(after.sent).toHaveLength(1);
    await scheduler.advance(3_600_000);
    expect(after.sent).toHaveLength(1);
    expect(before.sent).toHaveLength(0);
  });

  it('an added route takes new alerts; alerts of the other routes stay where they were', async () => {
    const { scheduler, dispatcher, receiver: hook, silences } = setup();
    await dispatcher.ingest([transition('r1', 1, 'firing', t0)]);
    await scheduler.advance(30_000);
    const pager = new RecordingNotifier();
    dispatcher.reconfigure(routingOf({ route: { ...ROOT, routes: [{ matchers: ['device="r2"'], receiver: 'pager' }] } }, { hook, pager }, silences));
    await dispatcher.ingest([transition('r2', 1, 'firing', scheduler.now()), transition('r1', 2, 'firing', scheduler.now())]);
    await scheduler.advance(300_000);
    expect(pager.sent.map((n) => n.groupKey)).toEqual(['{}/{device="r2"}/0:{alertname="LinkDown", device="r2"}']);
    expect(hook.sent.map((n) => n.alerts.length)).toEqual([1, 2]);
    expect(hook.sent.every((n) => n.groupKey === '{}:{alertname="LinkDown", device="r1"}')).toBe(true);
  });

  it('a group whose route was removed is re-homed: same receiver = nothing re-sent and its resolve still sent; another receiver gets the firing alert', async () => {
    const { scheduler, dispatcher, silences } = setup();
    const hook = new RecordingNotifier();
    const core = new RecordingNotifier();
    const withCoreRoute = { route: { ...ROOT, routes: [{ matchers: ['device="r3"'], receiver: 'hook' }, { matchers: ['device="r4"'], receiver: 'core' }] } };
    dispatcher.reconfigure(routingOf(withCoreRoute, { hook, core }, silences));
    await dispatcher.ingest([transition('r3', 1, 'firing', t0), transition('r4', 1, 'firing', t0)]);
    await scheduler.advance(30_000);
    expect(hook.sent.map((n) => n.groupKey)).toEqual(['{}/{device="r3"}/0:{alertname="LinkDown", device="r3"}']);
    expect(core.sent).toHaveLength(1);

    // both child routes removed: r3 and r4 now fall to the root route (receiver hook)
    dispatcher.reconfigure(routingOf({ route: ROOT }, { hook, core }, silences));
    await scheduler.advance(3_600_000);
    await dispatcher.idle();
    // r3 was already notified to hook: not sent again; r4 was notified to core only: hook gets it now
    expect(hook.sent.map((n) => n.alerts.map((a) => a.fingerprint))).toEqual([['fp-r3-1'], ['fp-r4-1']]);
    await dispatcher.ingest([transition('r3', 1, 'resolved', scheduler.now())]);
    await scheduler.advance(300_000);
    expect(hook.sent.at(-1)).toMatchObject({ status: 'resolved', groupKey: '{}:{alertname="LinkDown", device="r3"}' });
    expect(hook.sent).toHaveLength(3);
    expect(core.sent).toHaveLength(1);
    // the removed routes' groups are gone from the StateStore
    expect(Object.keys(await dispatcher['deps'].state.hgetall('sonde:notify:groups')).sort()).toEqual(['{}:{alertname="LinkDown", device="r4"}']);
  });
});
