import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Notification } from '../notification';
import type { Notifier } from '../notifier';
import type { NotifierDeps } from './notifier-deps';

export const webhookNotifierConfigSchema = z.strictObject({
  type: z.literal('webhook'),
  url: z.url(),
  /** A `token` credential: its token is the HMAC-SHA256 key of the signature header. */
  hmacCredential: z.string().min(1).optional(),
  signatureHeader: z.string().min(1).default('X-Sonde-Signature'),
  idempotencyHeader: z.string().min(1).default('Idempotency-Key'),
  /** 0 = all; more alerts than this are cut and counted in `truncatedAlerts`, as Alertmanager does. */
  max_alerts: z.number().int().nonnegative().default(0),
  ca: z.string().optional(),
});
export type WebhookNotifierConfig = z.infer<typeof webhookNotifierConfigSchema>;

/** Go's zero time: what Alertmanager puts in endsAt of a firing alert. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The Alertmanager webhook payload, version 4 (docs: configuration.md#webhook_config), exactly. */
export function alertmanagerWebhookBody(n: Notification, maxAlerts = 0): string {
  const alerts = maxAlerts > 0 ? n.alerts.slice(0, maxAlerts) : n.alerts;
  return JSON.stringify({
    version: '4',
    groupKey: n.groupKey,
    truncatedAlerts: n.alerts.length - alerts.length,
    status: n.status,
    receiver: n.receiver,
    groupLabels: n.groupLabels,
    commonLabels: n.commonLabels,
    commonAnnotations: n.commonAnnotations,
    externalURL: n.externalURL,
    alerts: alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: new Date(a.startsAt).toISOString(),
      endsAt: a.endsAt === undefined ? ZERO_TIME : new Date(a.endsAt).toISOString(),
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    })),
  });
}

/** `sha256=<hex>` of the body, like GitHub's X-Hub-Signature-256, so receivers can verify it. */
export function webhookSignature(key: string, body: string): string {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

export class WebhookNotifier implements Notifier {
  readonly type = 'webhook';
  readonly destination: string;
  private readonly hmacKey: string | undefined;

  constructor(
    private readonly config: WebhookNotifierConfig,
    private readonly deps: NotifierDeps,
  ) {
    this.destination = new URL(config.url).host;
    this.hmacKey = config.hmacCredential ? deps.credentials.credentialOfType(config.hmacCredential, 'token').token.reveal() : undefined;
  }

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    const body = alertmanagerWebhookBody(n, this.config.max_alerts);
    const headers: Record<string, string> = { [this.config.idempotencyHeader]: n.idempotencyKey };
    if (this.hmacKey !== undefined) headers[this.config.signatureHeader] = webhookSignature(this.hmacKey, body);
    await this.deps.http.post({ url: this.config.url, body, headers, timeoutMs: this.deps.timeoutMs, signal, ...(this.config.ca ? { ca: this.config.ca } : {}) });
  }
}
