import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync, zstdDecompressSync } from 'node:zlib';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ListenError } from '@sonde/events/listen-error';
import { LOGGER } from '@sonde/telemetry/telemetry.tokens';
import type { Logger } from 'pino';
import { ClickHouseHttpError } from './clickhouse-http-error';
import type { ClickHouseHttpHandler, HttpReply } from './clickhouse-http-handler';
import type { ClickHouseHttpConfig } from './clickhouse-http.config';
import { readCompressedBlocks } from './compressed-block';

export const CLICKHOUSE_HTTP_HANDLER = 'CLICKHOUSE_HTTP_HANDLER';
export const CLICKHOUSE_HTTP_CONFIG = 'CLICKHOUSE_HTTP_CONFIG';

const DECODERS: Record<string, (b: Buffer) => Buffer> = { gzip: gunzipSync, deflate: inflateSync, br: brotliDecompressSync, zstd: (b) => zstdDecompressSync(b) };

/**
 * The socket: reads the body (undoing Content-Encoding, then ClickHouse's compressed blocks when
 * `decompress=1`), hands one exchange to the handler, writes its reply.
 */
@Injectable()
export class ClickHouseHttpListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | undefined;
  /** Where it listens once started (`port` 0 resolves here). */
  url: string | undefined;

  constructor(
    @Inject(CLICKHOUSE_HTTP_HANDLER) private readonly handler: ClickHouseHttpHandler,
    @Inject(CLICKHOUSE_HTTP_CONFIG) private readonly config: ClickHouseHttpConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((req, res) => void this.serve(req, res));
    server.keepAliveTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      // fatal at boot, naming the config path (`sonde up` exits with its cannot-listen code)
      server.once('error', (err: NodeJS.ErrnoException) => reject(new ListenError('clickhouseHttp.port', 'http', this.config.host, this.config.port, err)));
      server.listen(this.config.port, this.config.host, () => resolve());
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    const host = this.config.host.includes(':') ? `[${this.config.host}]` : this.config.host;
    this.url = `http://${host}:${port}`;
    this.logger.info({ url: this.url }, 'ClickHouse HTTP interface listening');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: HttpReply;
    try {
      const url = new URL(req.url ?? '/', 'http://sonde');
      const encoded = await this.readBody(req);
      const body = url.searchParams.get('decompress') === '1' ? readCompressedBlocks(encoded, this.config.maxBodyBytes) : encoded;
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      reply = await this.handler.handle({ method: req.method ?? 'GET', path: url.pathname, search: url.searchParams, headers, body });
    } catch (err) {
      const e = err instanceof ClickHouseHttpError ? err : new ClickHouseHttpError(1001, 'STD_EXCEPTION', err instanceof Error ? err.message : String(err));
      reply = { status: e.status, headers: { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Exception-Code': String(e.serverCode) }, body: Buffer.from(e.body('')) };
    }
    res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(reply.body.length), 'Keep-Alive': 'timeout=10' });
    res.end(reply.body);
  }

  private async readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > this.config.maxBodyBytes) throw new ClickHouseHttpError(131, 'TOO_LARGE_STRING_SIZE', `Request body exceeds clickhouseHttp.maxBodyBytes (${this.config.maxBodyBytes})`);
      chunks.push(chunk);
    }
    const raw = Buffer.concat(chunks);
    const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
    if (encoding === '' || encoding === 'identity') return raw;
    const decode = DECODERS[encoding];
    if (!decode) throw new ClickHouseHttpError(89, 'UNKNOWN_COMPRESSION_METHOD', `Unknown Content-Encoding ${encoding} (gzip, deflate, br and zstd are supported)`);
    try {
      const body = decode(raw);
      if (body.length > this.config.maxBodyBytes) throw new ClickHouseHttpError(131, 'TOO_LARGE_STRING_SIZE', `Request body exceeds clickhouseHttp.maxBodyBytes (${this.config.maxBodyBytes})`);
      return body;
    } catch (err) {
      if (err instanceof ClickHouseHttpError) throw err;
      throw new ClickHouseHttpError(27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', `Cannot decompress the ${encoding} request body: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
