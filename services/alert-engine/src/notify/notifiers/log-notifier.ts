import { z } from 'zod';
import type { Notification } from '../notification';
import { notificationBody } from '../notification-text';
import type { Notifier } from '../notifier';
import type { NotifierDeps } from './notifier-deps';

export const logNotifierConfigSchema = z.strictObject({ type: z.literal('log') });
export type LogNotifierConfig = z.infer<typeof logNotifierConfigSchema>;

/** The `sonde up` default: one log line per notification and an entry on the status screen. */
export class LogNotifier implements Notifier {
  readonly type = 'log';
  readonly destination = 'log';

  constructor(
    _config: LogNotifierConfig,
    private readonly deps: NotifierDeps,
  ) {}

  send(n: Notification): Promise<void> {
    const entry = this.deps.feed.push(n, Date.now());
    this.deps.logger.info({ receiver: n.receiver, groupKey: n.groupKey, alerts: n.alerts.length, idempotencyKey: n.idempotencyKey, body: notificationBody(n, 10) }, entry.title);
    return Promise.resolve();
  }
}
