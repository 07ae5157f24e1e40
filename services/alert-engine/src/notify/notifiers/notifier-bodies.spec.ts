import { describe, expect, it } from '@jest/globals';
import type { Notification } from '../notification';
import { postableAlerts } from './alertmanager-notifier';
import { pagerdutyEvents } from './pagerduty-notifier';
import { slackBody } from './slack-notifier';
import { teamsBody } from './teams-notifier';
import { alertmanagerWebhookBody, webhookSignature } from './webhook-notifier';

const n: Notification = {
  receiver: 'ops',
  groupKey: '{}:{alertname="LinkDown"}',
  status: 'firing',
  groupLabels: { alertname: 'LinkDown' },
  commonLabels: { alertname: 'LinkDown', site: 'lab' },
  commonAnnotations: {},
  externalURL: 'http://sonde:9093',
  idempotencyKey: 'k1',
  alerts: [
    { fingerprint: 'f1', status: 'firing', labels: { alertname: 'LinkDown', site: 'lab', device: 'r1', severity: 'critical' }, annotations: { summary: 'r1 down' }, startsAt: Date.UTC(2026, 11, 1), generatorURL: 'http://sonde/r', transitionId: 'f1:1', inhibitedBy: [], flapping: false, updatedAt: 0 },
    { fingerprint: 'f2', status: 'resolved', labels: { alertname: 'LinkDown', site: 'lab', device: 'r2' }, annotations: {}, startsAt: Date.UTC(2026, 11, 1), endsAt: Date.UTC(2026, 11, 1, 0, 5), generatorURL: 'http://sonde/r', transitionId: 'f2:2', inhibitedBy: [], flapping: false, updatedAt: 0 },
  ],
};

describe('notifier payloads', () => {
  it('webhook: Alertmanager v4 JSON, field for field', () => {
    expect(JSON.parse(alertmanagerWebhookBody(n))).toEqual({
      version: '4',
      groupKey: '{}:{alertname="LinkDown"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'ops',
      groupLabels: { alertname: 'LinkDown' },
      commonLabels: { alertname: 'LinkDown', site: 'lab' },
      commonAnnotations: {},
      externalURL: 'http://sonde:9093',
      alerts: [
        { status: 'firing', labels: { alertname: 'LinkDown', site: 'lab', device: 'r1', severity: 'critical' }, annotations: { summary: 'r1 down' }, startsAt: '2026-12-01T00:00:00.000Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://sonde/r', fingerprint: 'f1' },
        { status: 'resolved', labels: { alertname: 'LinkDown', site: 'lab', device: 'r2' }, annotations: {}, startsAt: '2026-12-01T00:00:00.000Z', endsAt: '2026-12-01T00:05:00.000Z', generatorURL: 'http://sonde/r', fingerprint: 'f2' },
      ],
    });
    expect(JSON.parse(alertmanagerWebhookBody(n, 1)).truncatedAlerts).toBe(1);
  });

  it('webhook signature is HMAC-SHA256 of the exact body (RFC 2104 test case 2)', () => {
    expect(webhookSignature('Jefe', 'what do ya want for nothing?')).toBe('sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('pagerduty: one Events v2 event per alert, dedup_key = fingerprint, trigger and resolve', () => {
    const events = pagerdutyEvents(n, 'rk');
    expect(events).toEqual([
      expect.objectContaining({ routing_key: 'rk', event_action: 'trigger', dedup_key: 'f1', payload: expect.objectContaining({ severity: 'critical', source: 'r1', summary: 'FIRING r1: r1 down' }) }),
      { routing_key: 'rk', event_action: 'resolve', dedup_key: 'f2' },
    ]);
  });

  it('slack states the count; teams sends an Adaptive Card (Workflows)', () => {
    expect(JSON.parse(slackBody(n, { channel: '#ops' }))).toMatchObject({ channel: '#ops', text: '[FIRING:1, RESOLVED:1] LinkDown' });
    const card = JSON.parse(teamsBody(n));
    expect(card.type).toBe('message');
    expect(card.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.attachments[0].content.type).toBe('AdaptiveCard');
    expect(card.attachments[0].content.body[0].text).toBe('[FIRING:1, RESOLVED:1] LinkDown');
  });

  it('alertmanager push: postableAlerts with endsAt only when resolved', () => {
    const body = JSON.parse(postableAlerts(n));
    expect(body[0]).toEqual({ labels: n.alerts[0]?.labels, annotations: { summary: 'r1 down' }, startsAt: '2026-12-01T00:00:00.000Z', generatorURL: 'http://sonde/r' });
    expect(body[1].endsAt).toBe('2026-12-01T00:05:00.000Z');
  });
});
