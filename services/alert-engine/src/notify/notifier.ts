import { SondeError, type ErrorContext, type SondeErrorCode } from '@sonde/events/sonde-error';
import type { Notification } from './notification';

/**
 * A notifier failure. `unavailable`/`timeout`/`overloaded` (connection refused, 5xx, 429) are
 * retried with backoff; anything else (4xx, refused destination) is given up at once.
 */
export class NotifyError extends SondeError {
  constructor(code: SondeErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(code, message, context, options);
  }

  get retryable(): boolean {
    return this.code === 'unavailable' || this.code === 'timeout' || this.code === 'overloaded';
  }
}

/** One configured destination of a receiver (webhook URL, mailbox, PagerDuty service, …). */
export interface Notifier {
  readonly type: string;
  /** For logs and metrics: where it sends, without secrets (host, mailbox). */
  readonly destination: string;
  /** Resolves once the destination accepted the notification; rejects with NotifyError. */
  send(n: Notification, signal: AbortSignal): Promise<void>;
}
