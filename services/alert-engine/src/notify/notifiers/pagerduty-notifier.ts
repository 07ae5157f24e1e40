import { z } from 'zod';
import type { Notification } from '../notification';
import { alertLine } from '../notification-text';
import type { Notifier } from '../notifier';
import type { NotifierDeps } from './notifier-deps';

export const pagerdutyNotifierConfigSchema = z.strictObject({
  type: z.literal('pagerduty'),
  /** A `token` credential holding the integration (routing) key of the service. */
  routingKeyCredential: z.string().min(1),
  url: z.url().default('https://events.pagerduty.com/v2/enqueue'),
});
export type PagerdutyNotifierConfig = z.infer<typeof pagerdutyNotifierConfigSchema>;

const PD_SEVERITY: Record<string, string> = { critical: 'critical', warning: 'warning', info: 'info', error: 'error' };

/**
 * PagerDuty Events API v2 enqueue bodies: one event per alert, `dedup_key` = fingerprint so a
 * resolve closes the incident its trigger opened (and a repeat trigger is merged by PagerDuty).
 */
export function pagerdutyEvents(n: Notification, routingKey: string): object[] {
  return n.alerts.map((a) =>
    a.status === 'firing'
      ? {
          routing_key: routingKey,
          event_action: 'trigger',
          dedup_key: a.fingerprint,
          payload: {
            summary: alertLine(a).slice(0, 1024),
            source: a.labels.device ?? a.labels.instance ?? 'sonde',
            severity: PD_SEVERITY[a.labels.severity ?? ''] ?? 'warning',
            timestamp: new Date(a.startsAt).toISOString(),
            component: a.labels.alertname,
            group: a.labels.site,
            custom_details: { labels: a.labels, annotations: a.annotations },
          },
          links: [{ href: n.externalURL, text: 'Sonde' }],
        }
      : { routing_key: routingKey, event_action: 'resolve', dedup_key: a.fingerprint },
  );
}

export class PagerdutyNotifier implements Notifier {
  readonly type = 'pagerduty';
  readonly destination: string;
  private readonly routingKey: string;

  constructor(
    private readonly config: PagerdutyNotifierConfig,
    private readonly deps: NotifierDeps,
  ) {
    this.routingKey = deps.credentials.credentialOfType(config.routingKeyCredential, 'token').token.reveal();
    this.destination = new URL(config.url).host;
  }

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    // Events v2 takes one event per request; PagerDuty dedups on dedup_key, so a retry is harmless.
    for (const event of pagerdutyEvents(n, this.routingKey)) {
      await this.deps.http.post({ url: this.config.url, body: JSON.stringify(event), timeoutMs: this.deps.timeoutMs, signal });
    }
  }
}
