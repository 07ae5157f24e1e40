import type { Inventory } from '@sonde/inventory/inventory';
import type { NotificationFeed } from '../notification-feed';
import type { OutboundHttp } from '../outbound-http';

/** What a notifier factory gets: the guarded HTTP client, credentials, the log and the feed. */
export interface NotifierDeps {
  http: OutboundHttp;
  credentials: Pick<Inventory, 'credentialOfType'>;
  timeoutMs: number;
  externalURL: string;
  logger: { info(fields: Record<string, unknown>, msg: string): void };
  feed: NotificationFeed;
}
