import { SondeError } from '@sonde/events/sonde-error';

/**
 * An error answered the way ClickHouse answers it: `Code: N. DB::Exception: … (NAME)` in the body,
 * the code in `X-ClickHouse-Exception-Code`, and the HTTP status ClickHouse maps the code to.
 */
export class ClickHouseHttpError extends SondeError {
  constructor(
    readonly serverCode: number,
    readonly codeName: string,
    message: string,
  ) {
    super('malformed', message, { serverCode, codeName });
  }

  /** ClickHouse's text, as clients parse it (clickhouse-go's parseHTTPException, @clickhouse/client's parseError). */
  body(version: string): string {
    return `Code: ${this.serverCode}. DB::Exception: ${this.message}. (${this.codeName}) (version ${version})\n`;
  }

  /** HTTPHandler's exceptionCodeToHTTPStatus, for the codes this server produces. */
  get status(): number {
    return httpStatusFor(this.serverCode);
  }
}

const STATUS_BY_CODE: Record<number, number> = {
  // authentication: REQUIRED_PASSWORD, WRONG_PASSWORD, UNKNOWN_USER, AUTHENTICATION_FAILED
  194: 401, 193: 401, 192: 401, 516: 401,
  // READONLY, ACCESS_DENIED, SETTING_CONSTRAINT_VIOLATION
  164: 403, 497: 403, 452: 403,
  // UNKNOWN_TABLE, UNKNOWN_DATABASE, UNKNOWN_FUNCTION… are 404
  60: 404, 81: 404, 46: 404,
  // CANNOT_PARSE_*, SYNTAX_ERROR, UNKNOWN_IDENTIFIER, TYPE_MISMATCH, UNKNOWN_SETTING, UNKNOWN_FORMAT… are 400
  62: 400, 47: 400, 53: 400, 115: 400, 73: 400, 36: 400, 27: 400, 6: 400, 41: 400, 69: 400, 43: 400, 44: 400, 72: 400,
  // NOT_IMPLEMENTED
  48: 501,
  // TIMEOUT_EXCEEDED, SESSION_IS_LOCKED
  159: 500, 373: 500,
  // UNKNOWN_COMPRESSION_METHOD (a client's Content-Encoding), HTTP_LENGTH_REQUIRED
  89: 400, 381: 411,
};

export function httpStatusFor(code: number): number {
  return STATUS_BY_CODE[code] ?? 500;
}

/** `Code: N. DB::Exception: text (NAME)` from chDB → code, name and text; anything else is a 1001 STD_EXCEPTION. */
export function fromEngineMessage(message: string): ClickHouseHttpError {
  // chDB wraps some errors twice ("Code: 115. DB::Exception: Code: 115. DB::Exception: …")
  const all = [...message.matchAll(/Code: (\d+)\. DB::Exception: /g)];
  const last = all[all.length - 1];
  if (!last || last.index === undefined) return new ClickHouseHttpError(1001, 'STD_EXCEPTION', message.trim());
  let text = message.slice(last.index + last[0].length).trim();
  text = text.replace(/\s*\(version [^)]*\)\.?\s*(\([A-Z_]+\))?\s*$/, '').trim();
  const name = /\(([A-Z][A-Z0-9_]+)\)\.?$/.exec(text);
  if (name) text = text.slice(0, name.index).trim();
  return new ClickHouseHttpError(Number(last[1]), name?.[1] ?? 'UNKNOWN_EXCEPTION', text.replace(/\.$/, ''));
}
