import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ALERTMANAGER_API, AlertmanagerApiController } from '@sonde/alert-engine/api/alertmanager-api.controller';
import { notifyConfigSchema } from '@sonde/alert-engine/notify/notify.config';
import { NotifyStage } from '@sonde/alert-engine/notify/notify-stage';
import { MemoryStateStore } from '@sonde/state/memory/memory-state-store';
import { REPO_ROOT } from '@sonde/testing/real-services';
import { Registry } from 'prom-client';

const run = promisify(execFile);
const SONDE = path.join(REPO_ROOT, 'services/standalone/dist/main.js');
const sonde = async (...args: string[]) => (await run(process.execPath, [SONDE, ...args])).stdout;

/**
 * `sonde alerts` and `sonde silence add|list|expire` (the built CLI) against the alert engine's
 * Alertmanager API served by the real controller over HTTP. Needs the build.
 */
describe('sonde alerts / sonde silence', () => {
  const state = new MemoryStateStore();
  let app: INestApplication;
  let url = '';
  let stage: NotifyStage;

  beforeAll(async () => {
    const config = notifyConfigSchema.parse({ route: { receiver: 'log', group_wait: '1h' } });
    const logger = { info: () => undefined, warn: () => undefined };
    stage = new NotifyStage({ config, state, inventory: { credentialOfType: () => { throw new Error('no credentials'); } }, registry: new Registry(), logger, holder: 'cli' });
    @Module({ controllers: [AlertmanagerApiController], providers: [{ provide: ALERTMANAGER_API, useValue: stage.api }] })
    class ApiModule {}
    app = await NestFactory.create(ApiModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const now = Date.now();
    const t = (device: string, site: string) => ({
      id: `e-${device}`,
      ts: now,
      payload: { ruleId: 'down', state: 'firing' as const, fingerprint: `fp-${device}`, since: now, summary: `${device} unreachable`, labels: { alertname: 'DeviceDown', device, site, severity: 'critical' }, transitionId: `fp-${device}:1` },
    });
    await stage.dispatcher.ingest([t('r1', 'paris'), t('r2', 'paris'), t('r3', 'lyon')]);
  });

  afterAll(async () => {
    await stage.dispatcher.stop();
    await app.close();
    await state.close();
  });

  it('lists alerts filtered by device and site, silences one, and expires the silence', async () => {
    expect(await sonde('alerts', '--url', url)).toMatch(/DeviceDown\s+r1\s+paris\s+critical\s+active/);
    expect((await sonde('alerts', '--url', url, '--site', 'paris', '--json')).trim().split('\n')).toHaveLength(2);
    expect((await sonde('alerts', '--url', url, '--device', 'r3', '--json')).trim().split('\n').map((l) => JSON.parse(l).labels.device)).toEqual(['r3']);

    const id = (await sonde('silence', 'add', 'device=r1', '--url', url, '--duration', '2h', '--comment', 'fibre cut', '--author', 'noc')).trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await sonde('silence', 'list', '--url', url)).toMatch(new RegExp(`${id}\\s+active .* by noc\\s+device="r1"\\s+# fibre cut`));
    expect(await sonde('alerts', '--url', url, '--state', 'suppressed')).toMatch(/r1 .*suppressed \(silenced\)/);
    expect(await sonde('alerts', '--url', url, '--state', 'active')).not.toMatch(/\br1\b/);

    expect(await sonde('silence', 'expire', id, '--url', url)).toBe(`expired ${id}\n`);
    expect(await sonde('silence', 'list', '--url', url)).toBe('no silences\n');
    expect(await sonde('silence', 'list', '--expired', '--url', url)).toContain(id);
    expect(await sonde('alerts', '--url', url, '--state', 'suppressed')).toBe('no alerts\n');
  });

  it('refuses bad matchers and durations with the reason, exit code 2', async () => {
    await expect(sonde('silence', 'add', 'device=~"("', '--url', url, '--comment', 'x')).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/invalid regex in matcher device=~/) });
    await expect(sonde('silence', 'add', 'device=r1', '--url', url, '--comment', 'x', '--duration', '5 minutes')).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/invalid --duration/) });
  });
});
