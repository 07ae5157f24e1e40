import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inventory } from '@sonde/inventory/inventory';
import { loadConfig } from '@sonde/inventory/load-config';
import { MemoryStateStore } from '@sonde/state/memory/memory-state-store';
import { Registry } from 'prom-client';
import { FakeScheduler } from '../../test/fake-scheduler';
import { TestReceiver, transition } from '../../test/notify-harness';
import { alertEngineConfigSchema } from '../alert-engine.config';
import { notifyConfigSource } from './notify-config-source';
import { NotifyReloader, type NotifyReloadResult } from './notify-reloader';
import { NotifyStage } from './notify-stage';

/**
 * A NotifyStage reloaded from its config file, A → B → a bad C, sending to real webhook
 * receivers on loopback. Time is the fake scheduler's; `idle()` waits for the HTTP sends.
 */
describe('NotifyReloader (config file re-read, real webhook receivers)', () => {
  const a = new TestReceiver();
  const b = new TestReceiver();
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sonde-notify-reload-')), 'sonde.yaml');
  const root = { receiver: 'hook', group_by: ['alertname', 'device'], group_wait: '30s', group_interval: '5m', repeat_interval: '4h' };
  // JSON is YAML: the file is what an operator would write
  const write = (notify: Record<string, unknown>) => writeFileSync(file, JSON.stringify({ site: 'lab', alertEngine: { defaultRules: false, notify } }, null, 2));
  const reread = () => loadConfig({ file, env: {}, sections: { alertEngine: alertEngineConfigSchema } });

  beforeAll(async () => {
    await a.start();
    await b.start();
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
  });

  it('B changes the webhook URL and adds a route; a bad C is refused and B keeps running; nothing is sent twice', async () => {
    write({ route: root, receivers: [{ name: 'hook', notifiers: [{ type: 'webhook', url: `${a.url}/hook` }] }] });
    const boot = reread();
    const scheduler = new FakeScheduler();
    const registry = new Registry();
    const stage = new NotifyStage({
      config: boot.alertEngine.notify,
      state: new MemoryStateStore({ clock: scheduler, autoSweep: false }),
      inventory: new Inventory(boot),
      registry,
      logger: { info: () => undefined, warn: () => undefined },
      scheduler,
      holder: 'spec',
    });
    const results: NotifyReloadResult[] = [];
    const reloader = new NotifyReloader({ source: notifyConfigSource(file, reread), stage, onResult: (r) => results.push(r) });
    const run = async (ms: number) => {
      await scheduler.advance(ms);
      await stage.dispatcher.idle();
    };

    const first = transition('r1', 1, 'firing');
    await stage.dispatcher.ingest([first]);
    await run(30_000);
    expect(a.received.map((r) => r.path)).toEqual(['/hook']);

    // B: the same receiver name at another URL, and a route for r2 to a new receiver
    write({
      route: { ...root, routes: [{ matchers: ['device="r2"'], receiver: 'pager' }] },
      receivers: [
        { name: 'hook', notifiers: [{ type: 'webhook', url: `${b.url}/hook` }] },
        { name: 'pager', notifiers: [{ type: 'webhook', url: `${b.url}/pager` }] },
      ],
    });
    expect(reloader.reload('spec')).toEqual({ ok: true, file, receivers: 2, routes: 2, restartRequired: [] });
    expect(stage.groupKeys.groupKeyOf({ alertname: 'LinkDown', device: 'r2' }, 'fp')).toBe('{}/{device="r2"}/0:{alertname="LinkDown", device="r2"}');

    await stage.dispatcher.ingest([first]); // redelivered: already notified, not sent again
    await stage.dispatcher.ingest([transition('r1', 2, 'firing'), transition('r2', 1, 'firing')]);
    await run(30_000); // r2's new group: group_wait
    await run(270_000); // r1's kept group: its group_interval since the first flush
    await run(1_000);
    expect(a.received).toHaveLength(1);
    expect(b.received.map((r) => r.path).sort()).toEqual(['/hook', '/pager']);
    const hook = b.received.find((r) => r.path === '/hook');
    const body = JSON.parse(hook?.body ?? '{}') as { groupKey: string; alerts: { fingerprint: string }[] };
    expect(body.groupKey).toBe(JSON.parse(a.received[0]?.body ?? '{}').groupKey);
    expect(body.alerts.map((x) => x.fingerprint)).toEqual(['fp-r1-1', 'fp-r1-2']);

    // C: a route naming a receiver that does not exist — refused, B stays
    write({
      route: { ...root, routes: [{ matchers: ['device="r2"'], receiver: 'nobody' }] },
      receivers: [{ name: 'hook', notifiers: [{ type: 'webhook', url: `${a.url}/hook` }] }],
    });
    const refused = reloader.reload('spec');
    expect(refused).toMatchObject({ ok: false, file, path: 'alertEngine.notify.route.routes[0].receiver' });
    expect(refused.ok === false && refused.error).toContain('unknown receiver "nobody"');
    await stage.dispatcher.ingest([transition('r1', 3, 'firing'), transition('r2', 2, 'firing')]);
    await run(300_000);
    await run(1_000);
    expect(a.received).toHaveLength(1);
    expect(b.received.map((r) => r.path).sort()).toEqual(['/hook', '/hook', '/pager', '/pager']);

    const keys = [...a.received, ...b.received].map((r) => String(r.headers['idempotency-key']));
    expect(new Set(keys).size).toBe(keys.length);
    const counts = (await registry.getSingleMetric('sonde_alert_notify_config_reloads_total')?.get())?.values.map((v) => [v.labels.result, v.value]);
    expect(Object.fromEntries(counts ?? [])).toEqual({ ok: 1, error: 1 });
    expect(results.map((r) => r.ok)).toEqual([true, false]);
    await stage.dispatcher.stop();
  });

  it('keys that shape the shared state keep their boot value and are reported; a notifier that cannot be built is refused', async () => {
    write({ route: root, receivers: [{ name: 'hook', notifiers: [{ type: 'log' }] }] });
    const boot = reread();
    const stage = new NotifyStage({ config: boot.alertEngine.notify, state: new MemoryStateStore(), inventory: new Inventory(boot), registry: new Registry(), logger: { info: () => undefined, warn: () => undefined }, scheduler: new FakeScheduler(), holder: 'spec' });
    const reloader = new NotifyReloader({ source: notifyConfigSource(file, reread), stage, onResult: () => undefined });
    write({ route: root, keyPrefix: 'other:', group: 'other-group', receivers: [{ name: 'hook', notifiers: [{ type: 'log' }] }] });
    expect(reloader.reload('spec')).toMatchObject({ ok: true, restartRequired: ['group', 'keyPrefix'] });

    // a Slack notifier whose credential is not a token: valid YAML, but it cannot be built
    writeFileSync(
      file,
      JSON.stringify({
        site: 'lab',
        credentials: { hookpass: { type: 'basic', username: 'u', password: { value: 'p' } } },
        alertEngine: { defaultRules: false, notify: { route: { ...root, receiver: 'chat' }, receivers: [{ name: 'chat', notifiers: [{ type: 'slack', urlCredential: 'hookpass' }] }] } },
      }),
    );
    const refused = reloader.reload('spec');
    expect(refused).toMatchObject({ ok: false, file, path: 'alertEngine.notify.receivers[0].notifiers[0]' });
    expect(stage.tree.root.receiver).toBe('hook');
    await stage.dispatcher.stop();
  });
});
