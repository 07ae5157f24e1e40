import { SondeError, type ErrorContext } from '@sonde/events/sonde-error';

export type StoreErrorCode = 'auth' | 'not-found' | 'unavailable' | 'malformed';

/**
 * What the store throws. `code` tells the caller what to do: `unavailable` — keep the batch and
 * retry later (the store already retried); `auth` / `not-found` — fix the config or migrate;
 * `malformed` — the statement or the data is wrong, retrying will not help.
 * Context: table, store type and target (URL without credentials), attempts, server error code.
 */
export class StoreError extends SondeError {
  declare readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(code, message, context, options);
  }
}

export interface StoreFailure {
  code: StoreErrorCode;
  /** Worth retrying: the same request may succeed later. */
  transient: boolean;
  /** ClickHouse's numeric error code, when the server (or chDB) answered. */
  serverCode?: number;
  message: string;
}

// ClickHouse error codes (src/Common/ErrorCodes.cpp). Auth: UNKNOWN_USER, WRONG_PASSWORD,
// REQUIRED_PASSWORD, ACCESS_DENIED, AUTHENTICATION_FAILED.
const AUTH_CODES = new Set([192, 193, 194, 497, 516]);
// UNKNOWN_TABLE, UNKNOWN_DATABASE.
const NOT_FOUND_CODES = new Set([60, 81]);
// Load or infrastructure, not the request: UNEXPECTED_END_OF_FILE, TIMEOUT_EXCEEDED,
// TOO_MANY_SIMULTANEOUS_QUERIES, NO_FREE_CONNECTION, SOCKET_TIMEOUT, NETWORK_ERROR,
// MEMORY_LIMIT_EXCEEDED, TABLE_IS_READ_ONLY, TOO_MANY_PARTS, TOO_FEW_LIVE_REPLICAS,
// UNKNOWN_STATUS_OF_INSERT, SYSTEM_ERROR, ALL_CONNECTION_TRIES_FAILED, KEEPER_EXCEPTION.
const TRANSIENT_CODES = new Set([3, 159, 202, 203, 209, 210, 241, 242, 252, 285, 319, 425, 279, 999]);
// Socket-level failures: nothing (or not all) reached the server.
const NETWORK_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

function prop(err: unknown, key: string): unknown {
  return typeof err === 'object' && err !== null && key in err ? (err as Record<string, unknown>)[key] : undefined;
}

/**
 * The ClickHouse error code of a failure: `code` as parsed by @clickhouse/client from a modern
 * server or chDB, or `Code: N,` in the text of an old server's answer (18.16 writes
 * `Code: 193, e.displayText() = …`, which the client does not parse).
 */
export function serverErrorCode(err: unknown): number | undefined {
  const code = prop(err, 'code');
  if (typeof code === 'string' && /^\d+$/.test(code)) return Number(code);
  const message = prop(err, 'message');
  const m = typeof message === 'string' ? /^Code: (\d+)[.,]/.exec(message.trim()) : null;
  return m?.[1] ? Number(m[1]) : undefined;
}

/** Sorts any failure of a ClickHouse call into a StoreError code, and says if a retry may help. */
export function classifyFailure(err: unknown): StoreFailure {
  if (err instanceof StoreError) return { code: err.code, transient: err.code === 'unavailable', message: err.message };
  const message = String(prop(err, 'message') ?? err).trim();
  const serverCode = serverErrorCode(err);
  if (serverCode !== undefined) {
    const base = { serverCode, message };
    if (AUTH_CODES.has(serverCode)) return { ...base, code: 'auth', transient: false };
    if (NOT_FOUND_CODES.has(serverCode)) return { ...base, code: 'not-found', transient: false };
    if (TRANSIENT_CODES.has(serverCode)) return { ...base, code: 'unavailable', transient: true };
    return { ...base, code: 'malformed', transient: false };
  }
  const errno = prop(err, 'code');
  const causeErrno = prop(prop(err, 'cause'), 'code');
  if (
    (typeof errno === 'string' && NETWORK_ERRNOS.has(errno)) ||
    (typeof causeErrno === 'string' && NETWORK_ERRNOS.has(causeErrno)) ||
    /socket hang up|timeout error|request timed out|other side closed/i.test(message)
  ) {
    return { code: 'unavailable', transient: true, message };
  }
  return { code: 'malformed', transient: false, message };
}

/** The URL without user info, query or fragment: safe for logs and error context. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '<invalid url>';
  }
}
