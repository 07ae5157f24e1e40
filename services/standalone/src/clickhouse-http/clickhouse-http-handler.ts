import { randomUUID, timingSafeEqual } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync, zstdCompressSync } from 'node:zlib';
import type { SqlEngine } from '@sonde/store/sql-engine';
import { ClickHouseHttpError, fromEngineMessage } from './clickhouse-http-error';
import type { ClickHouseHttpMetrics } from './clickhouse-http.metrics';
import { writeCompressedBlocks } from './compressed-block';
import { effectiveFormat, parseClickHouseQuery, type ClickHouseQuery, type HttpExchange } from './clickhouse-http-request';
import { NativeFormatError, nativeForRevision } from './native-revision';

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ClickHouseHttpOptions {
  database: string;
  /** Writes and DDL allowed (POST only, as ClickHouse: GET is always read-only). */
  allowWrites: boolean;
  /** When set, every query must carry this user and password. */
  credentials?: { username: string; password: string };
  /** `X-ClickHouse-Server-Display-Name`. */
  displayName: string;
}

const TEXT = 'text/plain; charset=UTF-8';

/**
 * Defaults a ClickHouse server has and chDB does not: JSON formats quote 64-bit integers, so a
 * client that parses JSON loses no precision past 2^53. A client's own setting wins.
 */
const SERVER_DEFAULTS: Readonly<Record<string, string>> = { output_format_json_quote_64bit_integers: '1' };

/** Content types ClickHouse answers with, per output format (others: text/plain). */
const CONTENT_TYPES: Record<string, string> = {
  TabSeparated: 'text/tab-separated-values; charset=UTF-8',
  TSV: 'text/tab-separated-values; charset=UTF-8',
  TabSeparatedWithNames: 'text/tab-separated-values; charset=UTF-8',
  TabSeparatedWithNamesAndTypes: 'text/tab-separated-values; charset=UTF-8',
  CSV: 'text/csv; charset=UTF-8; header=absent',
  CSVWithNames: 'text/csv; charset=UTF-8; header=present',
  JSON: 'application/json; charset=UTF-8',
  JSONCompact: 'application/json; charset=UTF-8',
  JSONEachRow: 'application/x-ndjson; charset=UTF-8',
  JSONCompactEachRow: 'application/x-ndjson; charset=UTF-8',
  JSONStrings: 'application/json; charset=UTF-8',
  Native: 'application/octet-stream',
  RowBinary: 'application/octet-stream',
  RowBinaryWithNames: 'application/octet-stream',
  RowBinaryWithNamesAndTypes: 'application/octet-stream',
  Parquet: 'application/octet-stream',
  Arrow: 'application/octet-stream',
  ArrowStream: 'application/octet-stream',
};

/** Response encodings ClickHouse offers with `enable_http_compression=1`, in its order of preference. */
const ENCODERS: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => gzipSync(b),
  deflate: (b) => deflateSync(b),
  zstd: (b) => zstdCompressSync(b),
  br: (b) => brotliCompressSync(b),
};

function equalSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The subset of ClickHouse's HTTP interface that clients use (clickhouse-go, the Grafana plugin,
 * @clickhouse/client, curl), answered from the embedded engine: `/ping`, `/` with the query in
 * the URL or the body, `database`, formats, allow-listed settings, query parameters, sessions,
 * ClickHouse's error text, status codes and `X-ClickHouse-*` headers, HTTP compression and
 * ClickHouse's own block compression (`compress=1`; `decompress=1` bodies are undone by the listener).
 * No HTTP server in here: the listener passes an HttpExchange and writes the HttpReply.
 */
export class ClickHouseHttpHandler {
  private engineInfo: Promise<{ version: string; timezone: string }> | undefined;

  constructor(
    private readonly engine: SqlEngine,
    private readonly options: ClickHouseHttpOptions,
    private readonly metrics: ClickHouseHttpMetrics,
  ) {}

  async handle(x: HttpExchange): Promise<HttpReply> {
    const started = performance.now();
    const reply = await this.route(x);
    this.metrics.requests.inc({ status: String(reply.status) });
    this.metrics.duration.observe((performance.now() - started) / 1000);
    return reply;
  }

  private async route(x: HttpExchange): Promise<HttpReply> {
    const info = await this.info();
    // ClickHouse answers "Ok." on /ping and on a bare GET / (load balancers and clients probe both)
    if (x.path === '/ping' || x.path === '/replicas_status' || (x.path === '/' && x.method === 'GET' && !x.search.has('query') && x.body.length === 0)) {
      return { status: 200, headers: { 'Content-Type': TEXT }, body: Buffer.from('Ok.\n') };
    }
    if (x.path !== '/' && x.path !== '/query') {
      return this.error(new ClickHouseHttpError(0, 'UNKNOWN_EXCEPTION', `There is no handle ${x.path}`), info.version, 404);
    }
    if (x.method !== 'GET' && x.method !== 'POST') {
      return this.error(new ClickHouseHttpError(0, 'UNKNOWN_EXCEPTION', `HTTP method ${x.method} is not supported`), info.version, 405);
    }
    let query: ClickHouseQuery;
    try {
      query = parseClickHouseQuery(x);
      this.authenticate(query);
    } catch (err) {
      return this.error(this.asError(err), info.version);
    }
    const queryId = query.queryId ?? randomUUID();
    const format = effectiveFormat(query.sql, query.defaultFormat);
    const base = {
      'X-ClickHouse-Query-Id': queryId,
      'X-ClickHouse-Timezone': info.timezone,
      'X-ClickHouse-Server-Display-Name': this.options.displayName,
      ...(query.sessionId ? { 'X-ClickHouse-Session-Id': query.sessionId } : {}),
    };
    try {
      const result = await this.engine.run(query.sql, {
        format: query.defaultFormat,
        database: query.database ?? this.options.database,
        settings: { ...SERVER_DEFAULTS, ...query.settings },
        readonly: query.readonlyMethod || !this.options.allowWrites,
        ...(query.sessionId ? { sessionId: query.sessionId } : {}),
        params: query.params,
        ...(query.data ? { data: query.data } : {}),
      });
      const body = format === 'Native' ? nativeForRevision(result.data, query.clientProtocolVersion) : Buffer.from(result.data);
      const summary = {
        read_rows: String(result.rowsRead),
        read_bytes: String(result.bytesRead),
        written_rows: '0',
        written_bytes: '0',
        total_rows_to_read: String(result.rowsRead),
        result_rows: String(result.rowsRead),
        result_bytes: String(body.length),
        elapsed_ns: String(Math.round(result.elapsedMs * 1e6)),
      };
      const headers: Record<string, string> = {
        ...base,
        'Content-Type': CONTENT_TYPES[format] ?? TEXT,
        'X-ClickHouse-Format': format,
        'X-ClickHouse-Summary': JSON.stringify(summary),
      };
      return this.compress({ status: 200, headers, body }, query, x.headers['accept-encoding']);
    } catch (err) {
      const reply = this.error(this.asError(err), info.version);
      Object.assign(reply.headers, base);
      // ClickHouse writes the exception through the same compressed buffer the answer would have used
      return query.blockCompression ? { ...reply, body: writeCompressedBlocks(reply.body, query.blockCompression.method, query.blockCompression.zstdLevel) } : reply;
    }
  }

  private authenticate(q: ClickHouseQuery): void {
    const required = this.options.credentials;
    if (!required) return;
    if (q.user === undefined || !equalSecret(q.user, required.username) || !equalSecret(q.password ?? '', required.password)) {
      throw new ClickHouseHttpError(
        516,
        'AUTHENTICATION_FAILED',
        `${q.user ?? 'default'}: Authentication failed: password is incorrect, or there is no user with such name`,
      );
    }
  }

  private compress(plain: HttpReply, q: ClickHouseQuery, acceptEncoding: string | undefined): HttpReply {
    // compress=1 frames the bytes; HTTP compression, when asked too, wraps those frames (HTTPHandler's buffer order)
    const reply = q.blockCompression ? { ...plain, body: writeCompressedBlocks(plain.body, q.blockCompression.method, q.blockCompression.zstdLevel) } : plain;
    if (!q.compressResponse || !acceptEncoding) return reply;
    const accepted = acceptEncoding.split(',').map((e) => e.trim().split(';')[0]?.toLowerCase());
    const encoding = Object.keys(ENCODERS).find((e) => accepted.includes(e));
    if (!encoding) return reply;
    const encode = ENCODERS[encoding];
    if (!encode) return reply;
    return { ...reply, headers: { ...reply.headers, 'Content-Encoding': encoding }, body: encode(reply.body) };
  }

  private asError(err: unknown): ClickHouseHttpError {
    if (err instanceof ClickHouseHttpError) return err;
    if (err instanceof NativeFormatError) return new ClickHouseHttpError(48, 'NOT_IMPLEMENTED', err.message);
    return fromEngineMessage(err instanceof Error ? err.message : String(err));
  }

  private error(e: ClickHouseHttpError, version: string, status = e.status): HttpReply {
    this.metrics.errors.inc({ code: e.codeName });
    return {
      status,
      headers: { 'Content-Type': TEXT, 'X-ClickHouse-Exception-Code': String(e.serverCode), 'X-ClickHouse-Exception-Name': e.codeName },
      body: Buffer.from(e.body(version)),
    };
  }

  private info(): Promise<{ version: string; timezone: string }> {
    this.engineInfo ??= this.engine.describe().catch((err: unknown) => {
      this.engineInfo = undefined;
      throw err;
    });
    return this.engineInfo;
  }
}
