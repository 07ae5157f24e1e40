import { z } from 'zod';
import type { Notification } from '../notification';
import { alertLine, notificationTitle } from '../notification-text';
import type { Notifier } from '../notifier';
import type { NotifierDeps } from './notifier-deps';

export const teamsNotifierConfigSchema = z.strictObject({
  type: z.literal('teams'),
  /** A `token` credential holding the Workflows ("When a Teams webhook request is received") URL. */
  urlCredential: z.string().min(1),
});
export type TeamsNotifierConfig = z.infer<typeof teamsNotifierConfigSchema>;

/**
 * A Teams Workflows webhook message: one Adaptive Card attachment (the retired Office 365
 * connectors took MessageCard; Workflows take `type: message` with adaptive-card attachments).
 */
export function teamsBody(n: Notification): string {
  const firing = n.status === 'firing';
  return JSON.stringify({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            { type: 'TextBlock', text: notificationTitle(n), weight: 'Bolder', size: 'Medium', wrap: true, color: firing ? 'Attention' : 'Good' },
            ...n.alerts.slice(0, 20).map((a) => ({ type: 'TextBlock', text: alertLine(a), wrap: true, spacing: 'Small' })),
            ...(n.alerts.length > 20 ? [{ type: 'TextBlock', text: `… and ${n.alerts.length - 20} more`, isSubtle: true }] : []),
            { type: 'FactSet', facts: Object.entries(n.commonLabels).map(([title, value]) => ({ title, value })) },
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'Open in Sonde', url: n.externalURL }],
        },
      },
    ],
  });
}

export class TeamsNotifier implements Notifier {
  readonly type = 'teams';
  readonly destination: string;
  private readonly url: string;

  constructor(
    config: TeamsNotifierConfig,
    private readonly deps: NotifierDeps,
  ) {
    this.url = deps.credentials.credentialOfType(config.urlCredential, 'token').token.reveal();
    this.destination = new URL(this.url).host;
  }

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    await this.deps.http.post({ url: this.url, body: teamsBody(n), timeoutMs: this.deps.timeoutMs, signal });
  }
}
