import { z } from 'zod';
import type { Notification } from '../notification';
import { notificationBody, notificationTitle } from '../notification-text';
import type { Notifier } from '../notifier';
import type { NotifierDeps } from './notifier-deps';

export const slackNotifierConfigSchema = z.strictObject({
  type: z.literal('slack'),
  /** A `token` credential holding the incoming-webhook URL (it is the secret). */
  urlCredential: z.string().min(1),
  channel: z.string().optional(),
  username: z.string().optional(),
});
export type SlackNotifierConfig = z.infer<typeof slackNotifierConfigSchema>;

/** Slack incoming webhook (api.slack.com/messaging/webhooks): `text` plus one mrkdwn section. */
export function slackBody(n: Notification, config: Pick<SlackNotifierConfig, 'channel' | 'username'>): string {
  const title = notificationTitle(n);
  return JSON.stringify({
    ...(config.channel ? { channel: config.channel } : {}),
    ...(config.username ? { username: config.username } : {}),
    text: title,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: notificationBody(n, 20).slice(0, 3000) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `<${n.externalURL}|Sonde> · ${n.receiver}` }] },
    ],
  });
}

export class SlackNotifier implements Notifier {
  readonly type = 'slack';
  readonly destination: string;
  private readonly url: string;

  constructor(
    private readonly config: SlackNotifierConfig,
    private readonly deps: NotifierDeps,
  ) {
    this.url = deps.credentials.credentialOfType(config.urlCredential, 'token').token.reveal();
    this.destination = new URL(this.url).host;
  }

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    await this.deps.http.post({ url: this.url, body: slackBody(n, this.config), timeoutMs: this.deps.timeoutMs, signal });
  }
}
