import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryStateStore } from '@sonde/state/memory/memory-state-store';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { selfSignedCert, stageFromYaml, TestReceiver, transition, waitFor } from './notify-harness';

/**
 * Every notifier against a real peer: node HTTP servers for webhook/Slack/Teams/PagerDuty (the
 * payloads their services take), an in-process smtp-server requiring STARTTLS and AUTH for
 * e-mail. Real time, group_wait 0s.
 */
describe('notifiers against real receivers', () => {
  const state = new MemoryStateStore();
  const hook = new TestReceiver();
  const chat = new TestReceiver();
  const mails: { from: string; to: string[]; data: string; secure: boolean; user: string | undefined }[] = [];
  let smtp: SMTPServer;
  let smtpPort = 0;
  let cert: { key: string; cert: string };

  beforeAll(async () => {
    await hook.start();
    await chat.start();
    cert = selfSignedCert();
    smtp = new SMTPServer({
      key: cert.key,
      cert: cert.cert,
      authMethods: ['PLAIN', 'LOGIN'],
      // No AUTH and no mail before STARTTLS (RFC 3207 §4.1 server policy).
      allowInsecureAuth: false,
      onAuth: (auth, _session, cb) => (auth.username === 'sonde' && auth.password === 's3cret' ? cb(null, { user: 'sonde' }) : cb(new Error('bad credentials'))),
      onData: (stream, session, cb) => {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
        stream.on('end', () => {
          mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data, secure: session.secure, user: session.user as string | undefined });
          cb();
        });
      },
      logger: false,
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    smtpPort = (smtp.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await hook.stop();
    await chat.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await state.close();
  });

  it('webhook: Alertmanager v4 JSON with an HMAC-SHA256 signature and an idempotency key; slack, teams and pagerduty payloads', async () => {
    const yaml = `
credentials:
  hook-hmac: { type: token, token: { env: HOOK_KEY } }
  slack-url: { type: token, token: { value: "${chat.url}/slack/T000/B000/XXX" } }
  teams-url: { type: token, token: { value: "${chat.url}/teams/workflow" } }
  pd-key: { type: token, token: { value: "R0UTINGKEY" } }
notify:
  keyPrefix: "t1:"
  route: { receiver: all, group_by: [alertname, device], group_wait: 0s, group_interval: 1s }
  receivers:
    - name: all
      notifiers:
        - { type: webhook, url: "${hook.url}/alerts", hmacCredential: hook-hmac }
        - { type: slack, urlCredential: slack-url, channel: "#noc" }
        - { type: teams, urlCredential: teams-url }
        - { type: pagerduty, routingKeyCredential: pd-key, url: "${chat.url}/pd/v2/enqueue" }
`;
    const stage = stageFromYaml(yaml, state, { HOOK_KEY: 'k3y' });
    stage.dispatcher.start();
    await stage.dispatcher.ingest([transition('r1', 1, 'firing'), transition('r1', 2, 'firing'), transition('r1', 3, 'firing')]);
    await waitFor('webhook', () => hook.received.length === 1);
    await waitFor('chat receivers', () => chat.received.length === 5); // slack, teams, 3 PagerDuty events
    const [req] = hook.received;
    const body = JSON.parse(req?.body ?? '{}');
    expect(req?.headers['x-sonde-signature']).toBe(`sha256=${createHmac('sha256', 'k3y').update(req?.body ?? '').digest('hex')}`);
    expect(req?.headers['idempotency-key']).toMatch(/^[0-9a-f]{32}$/);
    expect(body).toMatchObject({ version: '4', status: 'firing', receiver: 'all', groupLabels: { alertname: 'LinkDown', device: 'r1' }, truncatedAlerts: 0 });
    expect(body.alerts).toHaveLength(3);
    expect(Object.keys(body).sort()).toEqual(['alerts', 'commonAnnotations', 'commonLabels', 'externalURL', 'groupKey', 'groupLabels', 'receiver', 'status', 'truncatedAlerts', 'version']);
    const slack = chat.received.find((r) => r.path.startsWith('/slack/'));
    expect(JSON.parse(slack?.body ?? '{}')).toMatchObject({ channel: '#noc', text: '[FIRING:3] LinkDown (r1)' });
    const teams = JSON.parse(chat.received.find((r) => r.path === '/teams/workflow')?.body ?? '{}');
    expect(teams.attachments[0].content.body[0].text).toBe('[FIRING:3] LinkDown (r1)');
    const pd = chat.received.filter((r) => r.path === '/pd/v2/enqueue').map((r) => JSON.parse(r.body));
    expect(pd.map((e) => [e.event_action, e.dedup_key, e.routing_key])).toEqual([
      ['trigger', 'fp-r1-1', 'R0UTINGKEY'],
      ['trigger', 'fp-r1-2', 'R0UTINGKEY'],
      ['trigger', 'fp-r1-3', 'R0UTINGKEY'],
    ]);
    // Resolve one: PagerDuty gets a resolve for its dedup_key, the webhook a new notification.
    await stage.dispatcher.ingest([transition('r1', 2, 'resolved')]);
    await waitFor('resolve', () => hook.received.length === 2 && chat.received.filter((r) => r.path === '/pd/v2/enqueue').length === 6);
    const pdResolve = chat.received.filter((r) => r.path === '/pd/v2/enqueue').map((r) => JSON.parse(r.body)).find((e) => e.event_action === 'resolve');
    expect(pdResolve?.dedup_key).toBe('fp-r1-2');
    const second = JSON.parse(hook.received[1]?.body ?? '{}') as { alerts: { fingerprint: string; status: string }[] };
    expect(Object.fromEntries(second.alerts.map((a) => [a.fingerprint, a.status]))).toEqual({ 'fp-r1-1': 'firing', 'fp-r1-2': 'resolved', 'fp-r1-3': 'firing' });
    await stage.dispatcher.stop();
  });

  it('a webhook receiver that is down (refusing, then 503) is retried with backoff and gets each notification once when back', async () => {
    const flaky = new TestReceiver();
    await flaky.start();
    const port = flaky.port;
    await flaky.stop(); // connection refused from now on
    const yaml = `
notify:
  keyPrefix: "t2:"
  route: { receiver: hook, group_by: ['...'], group_wait: 0s, group_interval: 500ms }
  retry: { initialBackoff: 100ms, maxBackoff: 400ms, giveUpAfter: 5m }
  receivers: [{ name: hook, notifiers: [{ type: webhook, url: "http://127.0.0.1:${port}/" }] }]
`;
    const stage = stageFromYaml(yaml, state);
    stage.dispatcher.start();
    const events = Array.from({ length: 10 }, (_, i) => transition('r2', i, 'firing'));
    await stage.dispatcher.ingest(events);
    const retries = async () => (await stage.metrics.attempts.get()).values.filter((v) => v.labels.result === 'retry').reduce((s, v) => s + v.value, 0);
    await waitFor('retries while refused', async () => (await retries()) >= 20);
    await flaky.start(port);
    flaky.status = 503;
    const before = await retries();
    await waitFor('retries while 503', async () => (await retries()) >= before + 10);
    expect(flaky.received).toHaveLength(0);
    flaky.status = 200;
    await waitFor('all delivered', () => flaky.received.length >= 10);
    await new Promise((r) => setTimeout(r, 1500)); // further group_interval ticks must not resend
    const keys = flaky.received.map((r) => r.headers['idempotency-key']);
    expect(flaky.received).toHaveLength(10);
    expect(new Set(keys).size).toBe(10);
    const fingerprints = flaky.received.map((r) => JSON.parse(r.body).alerts[0].fingerprint).sort();
    expect(fingerprints).toEqual(events.map((e) => e.payload.fingerprint).sort());
    await stage.dispatcher.stop();
    await flaky.stop();
  });

  it('refuses link-local and metadata destinations (DNS answer checked), gives up with a metric', async () => {
    const yaml = `
notify:
  keyPrefix: "t3:"
  route: { receiver: bad, group_by: ['...'], group_wait: 0s }
  receivers:
    - name: bad
      notifiers:
        - { type: webhook, url: "http://169.254.169.254/latest/meta-data/" }
        - { type: webhook, url: "http://metadata.google.internal/computeMetadata/v1/" }
        - { type: webhook, url: "http://[fe80::1]:8080/" }
`;
    const stage = stageFromYaml(yaml, state);
    await stage.dispatcher.ingest([transition('r3', 1, 'firing')]);
    const givenUp = async () => (await stage.metrics.givenUp.get()).values.filter((v) => v.labels.reason === 'auth').reduce((s, v) => s + v.value, 0);
    await waitFor('three refusals', async () => (await givenUp()) === 3);
    await stage.dispatcher.stop();
  });

  it('email over SMTP with STARTTLS and AUTH (in-process smtp-server), subject stating the count', async () => {
    const yaml = `
credentials:
  smtp: { type: basic, username: sonde, password: { value: s3cret } }
notify:
  keyPrefix: "t4:"
  route: { receiver: mail, group_by: [alertname], group_wait: 0s }
  receivers:
    - name: mail
      notifiers:
        - type: email
          to: [noc@example.org]
          from: sonde@example.org
          smarthost: { host: 127.0.0.1, port: ${smtpPort} }
          credential: smtp
          ca: ${JSON.stringify(cert.cert)}
`;
    const stage = stageFromYaml(yaml, state);
    await stage.dispatcher.ingest([transition('r4', 1, 'firing'), transition('r5', 1, 'firing')]);
    await waitFor('mail', () => mails.length === 1);
    const [mail] = mails;
    expect(mail?.secure).toBe(true); // the session was upgraded by STARTTLS before MAIL FROM
    expect(mail?.user).toBe('sonde');
    expect(mail?.to).toEqual(['noc@example.org']);
    expect(mail?.data).toMatch(/^Subject: \[FIRING:2\] LinkDown/m);
    expect(mail?.data).toMatch(/^X-Sonde-Idempotency-Key: [0-9a-f]{32}:?/m);
    expect(mail?.data).toContain('r4 ifIndex 1 down');
    await stage.dispatcher.stop();
  });
});
