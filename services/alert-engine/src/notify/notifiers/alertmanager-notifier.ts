import { z } from 'zod';
import type { Notification } from '../notification';
import type { Notifier } from '../notifier';
import type { NotifierDeps } from './notifier-deps';

export const alertmanagerNotifierConfigSchema = z.strictObject({
  type: z.literal('alertmanager'),
  /** Base URL of an existing Alertmanager, e.g. http://alertmanager:9093 */
  url: z.url(),
  /** Optional `basic` credential for an Alertmanager behind a proxy with basic auth. */
  credential: z.string().min(1).optional(),
});
export type AlertmanagerNotifierConfig = z.infer<typeof alertmanagerNotifierConfigSchema>;

/** `postableAlerts` of Alertmanager's API v2 (api/v2/openapi.yaml, POST /alerts). */
export function postableAlerts(n: Notification): string {
  return JSON.stringify(
    n.alerts.map((a) => ({
      labels: a.labels,
      annotations: a.annotations,
      startsAt: new Date(a.startsAt).toISOString(),
      ...(a.endsAt !== undefined ? { endsAt: new Date(a.endsAt).toISOString() } : {}),
      generatorURL: a.generatorURL,
    })),
  );
}

/** Pushes the group's alerts to an existing Alertmanager, which then routes and dedups them itself. */
export class AlertmanagerNotifier implements Notifier {
  readonly type = 'alertmanager';
  readonly destination: string;
  private readonly url: string;
  private readonly authorization: string | undefined;

  constructor(
    config: AlertmanagerNotifierConfig,
    private readonly deps: NotifierDeps,
  ) {
    this.url = `${config.url.replace(/\/+$/, '')}/api/v2/alerts`;
    this.destination = new URL(config.url).host;
    if (config.credential) {
      const c = deps.credentials.credentialOfType(config.credential, 'basic');
      this.authorization = `Basic ${Buffer.from(`${c.username}:${c.password.reveal()}`).toString('base64')}`;
    }
  }

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    const headers: Record<string, string> = this.authorization ? { authorization: this.authorization } : {};
    await this.deps.http.post({ url: this.url, body: postableAlerts(n), headers, timeoutMs: this.deps.timeoutMs, signal });
  }
}
