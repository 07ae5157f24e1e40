/**
 * The root of every error Sonde raises on purpose. `code` says how a caller should react
 * (retry a timeout, report an auth failure, count a malformed input); `context` says where
 * (device, oid, config path, topic). Secrets never go into context.
 */
export type SondeErrorCode =
  | 'auth'
  | 'timeout'
  | 'malformed'
  | 'unavailable'
  | 'config'
  | 'not-found'
  | 'overloaded'
  | 'unsupported'
  | 'internal';

export type ErrorContext = Record<string, string | number | boolean | undefined>;

export class SondeError extends Error {
  constructor(
    readonly code: SondeErrorCode,
    message: string,
    readonly context: ErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class EventDecodeError extends SondeError {
  constructor(message: string, context: ErrorContext = {}) {
    super('malformed', message, context);
  }
}
