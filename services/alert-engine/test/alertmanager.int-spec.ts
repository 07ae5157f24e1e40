import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MemoryStateStore } from '@sonde/state/memory/memory-state-store';
import { ALERTMANAGER_API, AlertmanagerApiController } from '../src/api/alertmanager-api.controller';
import type { NotifyStage } from '../src/notify/notify-stage';
import { stageFromYaml, transition, waitFor } from './notify-harness';

const run = promisify(execFile);

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function amtool(url: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('amtool', [`--alertmanager.url=${url}`, ...args], { env: { ...process.env, HOME: tmpdir() } });
  return stdout;
}

/**
 * Debian's prometheus-alertmanager 0.25 receives the `alertmanager` notifier's pushes, and its
 * amtool lists and silences Sonde's alerts through Sonde's Alertmanager-compatible API.
 * Install: scripts/peers.sh install alertmanager.
 */
describe('Alertmanager peer: push and amtool against the compatible API', () => {
  let am: ChildProcess;
  let amUrl = '';
  let dataDir = '';
  let app: INestApplication;
  let sondeUrl = '';
  let stage: NotifyStage;
  const state = new MemoryStateStore();

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sonde-am-'));
    writeFileSync(path.join(dataDir, 'alertmanager.yml'), 'route: { receiver: blackhole }\nreceivers: [{ name: blackhole }]\n');
    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    am = spawn('prometheus-alertmanager', [`--config.file=${dataDir}/alertmanager.yml`, `--storage.path=${dataDir}/data`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: 'ignore' });
    await waitFor('alertmanager ready', async () => (await fetch(`${amUrl}/-/ready`).catch(() => null))?.ok === true);

    stage = stageFromYaml(
      `
notify:
  route: { receiver: am, group_by: [alertname, device], group_wait: 0s, group_interval: 1s }
  receivers: [{ name: am, notifiers: [{ type: alertmanager, url: "${amUrl}" }] }]
`,
      state,
    );
    @Module({ controllers: [AlertmanagerApiController], providers: [{ provide: ALERTMANAGER_API, useValue: stage.api }] })
    class ApiModule {}
    app = await NestFactory.create(ApiModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    sondeUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    stage.dispatcher.start();
  });

  afterAll(async () => {
    await stage.dispatcher.stop();
    await app.close();
    am.kill('SIGTERM');
    await new Promise((r) => am.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    await state.close();
  });

  it('pushes firing alerts to Alertmanager /api/v2/alerts, and resolves them there', async () => {
    await stage.dispatcher.ingest([transition('r1', 1, 'firing', { alertname: 'PushTest' }), transition('r1', 2, 'firing', { alertname: 'PushTest' })]);
    const amAlerts = async () => (await (await fetch(`${amUrl}/api/v2/alerts?filter=alertname%3D%22PushTest%22`)).json()) as { labels: Record<string, string>; status: { state: string }; endsAt: string }[];
    await waitFor('alerts in Alertmanager', async () => (await amAlerts()).length === 2);
    const listed = await amtool(amUrl, 'alert', 'query', 'alertname=PushTest', '-o', 'json');
    expect((JSON.parse(listed) as { labels: Record<string, string> }[]).map((a) => a.labels.ifIndex).sort()).toEqual(['1', '2']);
    await stage.dispatcher.ingest([transition('r1', 1, 'resolved', { alertname: 'PushTest' })]);
    // Alertmanager drops resolved alerts from its active list.
    await waitFor('resolve reached Alertmanager', async () => (await amtool(amUrl, 'alert', 'query', 'alertname=PushTest', '-o', 'json')).includes('"ifIndex":"1"') === false);
  });

  it('amtool lists Sonde alerts, silences one, sees it suppressed, and expires the silence', async () => {
    await stage.dispatcher.ingest([transition('r7', 1, 'firing', { alertname: 'AmtoolTest' }), transition('r8', 1, 'firing', { alertname: 'AmtoolTest' })]);
    const query = async (...extra: string[]) => JSON.parse(await amtool(sondeUrl, 'alert', 'query', 'alertname=AmtoolTest', '-o', 'json', ...extra)) as { labels: Record<string, string>; status: { state: string; silencedBy: string[] } }[];
    await waitFor('two alerts listed', async () => (await query()).length === 2);
    expect((await query()).map((a) => a.labels.device).sort()).toEqual(['r7', 'r8']);

    const id = (await amtool(sondeUrl, 'silence', 'add', 'device=r7', 'alertname=AmtoolTest', '--author=noc', '--comment=maintenance', '--duration=1h')).trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const silences = JSON.parse(await amtool(sondeUrl, 'silence', 'query', '-o', 'json')) as { id: string; createdBy: string; status: { state: string } }[];
    expect(silences.find((s) => s.id === id)).toMatchObject({ createdBy: 'noc', status: { state: 'active' } });
    // amtool's default hides silenced alerts; --silenced shows them, suppressed by our silence.
    expect((await query()).map((a) => a.labels.device)).toEqual(['r8']);
    const r7 = (await query('--silenced')).find((a) => a.labels.device === 'r7');
    expect(r7?.status).toMatchObject({ state: 'suppressed', silencedBy: [id] });

    await amtool(sondeUrl, 'silence', 'expire', id);
    const after = JSON.parse(await amtool(sondeUrl, 'silence', 'query', '--expired', '-o', 'json')) as { id: string; status: { state: string } }[];
    expect(after.find((s) => s.id === id)?.status.state).toBe('expired');
    expect((await query()).map((a) => a.labels.device).sort()).toEqual(['r7', 'r8']);
    // amtool's config/status command reads /api/v2/status.
    expect(await amtool(sondeUrl, 'config', 'show')).toContain('"receiver": "am"');
  });
});
