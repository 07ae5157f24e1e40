import { SondeError, type ErrorContext, type SondeErrorCode } from '@sonde/events/sonde-error';

/** A state operation failed: `unavailable` (store unreachable or closed), `malformed` (wrong key type, bad TTL). */
export class StateError extends SondeError {
  constructor(code: SondeErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(code, message, context, options);
  }
}

/** TTLs are whole milliseconds ≥ 1 (Redis PX rejects 0); shared by every adapter so they agree. */
export function checkTtl(ttlMs: number | undefined, key: string): void {
  if (ttlMs === undefined) return;
  if (!Number.isInteger(ttlMs) || ttlMs < 1) {
    throw new StateError('malformed', `ttlMs must be a whole number of milliseconds >= 1, got ${ttlMs}`, { key });
  }
}
