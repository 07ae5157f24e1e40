import { INSERT_WITH_FORMAT } from '@sonde/store/sql-engine';
import { ClickHouseHttpError } from './clickhouse-http-error';
import type { BlockMethod } from './compressed-block';
import { HTTP_PARAMETERS, isAllowedSetting } from './clickhouse-http-settings';

/** One HTTP request as the listener received it (body already read and decompressed). */
export interface HttpExchange {
  method: string;
  /** Path without the query string. */
  path: string;
  search: URLSearchParams;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  body: Buffer;
}

/** What a client asked, in ClickHouse's terms. */
export interface ClickHouseQuery {
  sql: string;
  /** The rows of an `INSERT … FORMAT X` in the URL: the body, as sent. */
  data?: Buffer;
  database: string | undefined;
  /** `default_format` / `X-ClickHouse-Format`; the SQL's own FORMAT clause wins (the engine applies it). */
  defaultFormat: string;
  settings: Record<string, string>;
  params: Record<string, string>;
  queryId: string | undefined;
  sessionId: string | undefined;
  user: string | undefined;
  password: string | undefined;
  /** `client_protocol_version` (clickhouse-go sends it with Native): shapes the Native blocks. */
  clientProtocolVersion: number;
  /** `enable_http_compression=1`: compress the answer with what Accept-Encoding allows. */
  compressResponse: boolean;
  /**
   * `compress=1`: frame the answer (and an error) in ClickHouse's compressed blocks, with
   * `network_compression_method` (LZ4 unless told) and `network_zstd_compression_level`.
   */
  blockCompression: { method: BlockMethod; zstdLevel: number | undefined } | undefined;
  /** GET requests are read-only in ClickHouse (readonly = 2), whatever the server allows. */
  readonlyMethod: boolean;
}

const EXTERNAL_DATA = /^(.+)_(format|structure|types)$/;

/** Basic auth → user and password (RFC 7617 §2: the password may contain ':'). */
function basicAuth(header: string | undefined): { user?: string; password?: string } {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m?.[1]) return {};
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? { user: decoded } : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Reads a request the way ClickHouse's HTTPHandler does: the query is the `query` parameter,
 * followed by the body (a newline between), so `?query=INSERT … FORMAT X` + rows works as well
 * as a SELECT in the body; credentials from Basic auth, `X-ClickHouse-User/Key` or `user`/`password`;
 * every other parameter is a setting, checked against the allow-list.
 */
export function parseClickHouseQuery(x: HttpExchange): ClickHouseQuery {
  const p = x.search;
  if ((x.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')) {
    throw new ClickHouseHttpError(48, 'NOT_IMPLEMENTED', 'External data (multipart/form-data) is not supported by this server');
  }
  const urlQuery = p.get('query') ?? '';
  // an INSERT's rows after its query in the URL: handed over as they are, any format (the engine
  // reads them as an insert's data); otherwise the body is more SQL text, joined to the query
  const data = urlQuery && x.body.length > 0 && INSERT_WITH_FORMAT.test(urlQuery) ? x.body : undefined;
  const body = data === undefined ? x.body.toString('utf8') : '';
  const sql = urlQuery && body ? `${urlQuery}\n${body}` : urlQuery || body;
  if (sql.trim() === '') throw new ClickHouseHttpError(62, 'SYNTAX_ERROR', 'Empty query');

  const settings: Record<string, string> = {};
  const params: Record<string, string> = {};
  for (const [key, value] of p) {
    if (HTTP_PARAMETERS.has(key)) continue;
    if (key.startsWith('param_')) {
      params[key.slice(6)] = value;
      continue;
    }
    if (EXTERNAL_DATA.test(key)) {
      throw new ClickHouseHttpError(48, 'NOT_IMPLEMENTED', `External data (${key}) is not supported by this server`);
    }
    if (!isAllowedSetting(key)) {
      throw new ClickHouseHttpError(452, 'SETTING_CONSTRAINT_VIOLATION', `Setting ${key} cannot be changed through sonde's HTTP interface (not in its allow-list)`);
    }
    settings[key] = value;
  }
  const basic = basicAuth(x.headers.authorization);
  const protocol = Number(p.get('client_protocol_version') ?? 0);
  return {
    sql,
    ...(data ? { data } : {}),
    database: p.get('database') ?? x.headers['x-clickhouse-database'] ?? undefined,
    defaultFormat: p.get('default_format') ?? x.headers['x-clickhouse-format'] ?? 'TabSeparated',
    settings,
    params,
    queryId: p.get('query_id') ?? undefined,
    sessionId: p.get('session_id') ?? undefined,
    user: x.headers['x-clickhouse-user'] ?? basic.user ?? p.get('user') ?? undefined,
    password: x.headers['x-clickhouse-key'] ?? basic.password ?? p.get('password') ?? undefined,
    clientProtocolVersion: Number.isInteger(protocol) && protocol > 0 ? protocol : 0,
    compressResponse: p.get('enable_http_compression') === '1',
    blockCompression: p.get('compress') === '1' ? blockCompression(p) : undefined,
    readonlyMethod: x.method === 'GET' || x.method === 'HEAD',
  };
}

const BLOCK_METHODS: Record<string, BlockMethod> = { LZ4: 'LZ4', LZ4HC: 'LZ4', ZSTD: 'ZSTD', NONE: 'NONE' };

/** `network_compression_method` / `network_zstd_compression_level`, as clickhouse-go sends them with `compress=1`. */
function blockCompression(p: URLSearchParams): { method: BlockMethod; zstdLevel: number | undefined } {
  const name = (p.get('network_compression_method') ?? 'LZ4').toUpperCase();
  const method = BLOCK_METHODS[name];
  if (!method) throw new ClickHouseHttpError(89, 'UNKNOWN_COMPRESSION_METHOD', `Unknown network_compression_method ${name} (LZ4, ZSTD or NONE)`);
  const level = p.get('network_zstd_compression_level');
  const zstdLevel = level === null ? undefined : Number(level);
  if (zstdLevel !== undefined && (!Number.isInteger(zstdLevel) || zstdLevel < 1 || zstdLevel > 22)) {
    throw new ClickHouseHttpError(69, 'ARGUMENT_OUT_OF_BOUND', `network_zstd_compression_level ${level} is not an integer from 1 to 22`);
  }
  return { method, zstdLevel };
}

/**
 * The format of the answer: a trailing `FORMAT name` of a read query, else the default format.
 * Only for headers and the Native rewrite; the engine itself applies the clause.
 */
export function effectiveFormat(sql: string, defaultFormat: string): string {
  const text = sql.replace(/;\s*$/, '').trim();
  if (!/^\s*(\(|SELECT|WITH|SHOW|DESC|DESCRIBE|EXPLAIN|EXISTS|CHECK)\b/i.test(text)) return defaultFormat;
  const m = /\bFORMAT\s+([A-Za-z0-9_]+)\s*$/i.exec(text);
  return m?.[1] ?? defaultFormat;
}
