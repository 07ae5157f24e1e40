import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryStateStore } from '@sonde/state/memory/memory-state-store';
import { stageFromYaml, TestReceiver, transition, waitFor } from './notify-harness';

/**
 * Real time, real webhook receiver: a silence (through the API, as amtool posts it) and a
 * maintenance window both hold notifications while they last and let them through once they
 * end; and 1 000 linkDown-style transitions from 20 devices arrive as 20 grouped notifications
 * stating the count.
 */
describe('silences, maintenance windows and grouping in real time', () => {
  const state = new MemoryStateStore();
  const hook = new TestReceiver();

  beforeAll(async () => {
    await hook.start();
  });
  afterAll(async () => {
    await hook.stop();
    await state.close();
  });

  it('a silence and a maintenance window suppress, then expire and let the alert through', async () => {
    const windowEnd = new Date(Date.now() + 2500).toISOString();
    const stage = stageFromYaml(
      `
notify:
  keyPrefix: "m1:"
  route: { receiver: hook, group_by: ['...'], group_wait: 0s, group_interval: 300ms }
  syncInterval: 200ms
  maintenanceWindows:
    - { name: upgrade, matchers: ['device="mw1"'], ranges: [{ start: "${new Date(Date.now() - 1000).toISOString()}", end: "${windowEnd}" }] }
  receivers: [{ name: hook, notifiers: [{ type: webhook, url: "${hook.url}/" }] }]
`,
      state,
    );
    const { silenceID } = await stage.api.postSilence({
      matchers: [{ name: 'device', value: 'si1', isRegex: false, isEqual: true }],
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 2000).toISOString(),
      createdBy: 'noc',
      comment: 'test',
    });
    stage.dispatcher.start();
    await stage.dispatcher.ingest([transition('si1', 1, 'firing'), transition('mw1', 1, 'firing'), transition('free1', 1, 'firing')]);
    const devices = () => hook.received.map((r) => (JSON.parse(r.body) as { alerts: { labels: { device: string } }[] }).alerts[0]?.labels.device);
    await waitFor('the unmuted alert', () => devices().includes('free1'));
    // While muted, the API lists both as suppressed (silencedBy / maintenance).
    const listed = await stage.api.alerts({ filter: ['device=~"si1|mw1"'] });
    expect(listed.map((a) => [a.labels.device, a.status.state, a.status.silencedBy]).sort()).toEqual([
      ['mw1', 'suppressed', []],
      ['si1', 'suppressed', [silenceID]],
    ]);
    expect(devices()).toEqual(['free1']);
    await waitFor('silence and window to end', () => devices().length === 3, 20_000);
    expect(devices().slice(1).sort()).toEqual(['mw1', 'si1']);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(windowEnd));
    await stage.dispatcher.stop();
  });

  it('1 000 linkDown-style transitions from 20 devices → 20 notifications of 50, stating the count', async () => {
    const stage = stageFromYaml(
      `
notify:
  keyPrefix: "m2:"
  route: { receiver: hook, group_by: [alertname, device], group_wait: 1s, group_interval: 1m }
  receivers: [{ name: hook, notifiers: [{ type: webhook, url: "${hook.url}/grouped" }, { type: log }] }]
`,
      state,
    );
    const events = [];
    for (let d = 0; d < 20; d++) for (let i = 0; i < 50; i++) events.push(transition(`sw${d}`, i, 'firing'));
    await stage.dispatcher.ingest(events);
    const grouped = () => hook.received.filter((r) => r.path === '/grouped');
    await waitFor('20 grouped notifications', () => grouped().length === 20);
    const bodies = grouped().map((r) => JSON.parse(r.body) as { groupLabels: Record<string, string>; alerts: unknown[] });
    expect(bodies.every((b) => b.alerts.length === 50)).toBe(true);
    expect(new Set(bodies.map((b) => b.groupLabels.device)).size).toBe(20);
    // the log notifier comes after the webhook in each receiver: its feed entry may lag the 20th request
    await waitFor('the log notifier', () => stage.feed.recent().length > 0);
    expect(stage.feed.recent().slice(-1)[0]?.title).toMatch(/^\[FIRING:50\] LinkDown \(sw\d+\)$/);
    await stage.dispatcher.stop();
  });
});
