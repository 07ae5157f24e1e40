import net from 'node:net';
import tls from 'node:tls';
import type { EventPublisher } from '@sonde/collector/event-publisher';
import type { SourceTokenBucket } from '@sonde/collector/source-token-bucket';
import { normalizeAddress } from '@sonde/inventory/network-address';
import type { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import { SyslogFrameDecoder, type SyslogFrame } from './framing/syslog-frame-decoder';
import type { SyslogIngest, SyslogMessageEvent } from './syslog-ingest';
import { ListenError } from '@sonde/events/listen-error';
import type { SyslogCounts } from './syslog-receiver.metrics';


export interface StreamBinding {
  host: string;
  port: number;
  ipv6Only: boolean;
  /** The config path that chose this address, named when it cannot be bound (`syslogReceiver.tcp.hosts[0]`). */
  configPath?: string;
}

export interface TcpSyslogServerOptions {
  transport: 'tcp' | 'tls';
  maxMessageBytes: number;
  maxConnections: number;
  /** TLS only: key, cert, ca, requestCert/rejectUnauthorized for client certificates */
  tls?: tls.TlsOptions;
  /** Close a connection that sent nothing for this long (0 = never); one paused by us is not idle. */
  idleTimeoutMs?: number;
  /** Open connections one source address may hold (0 = no cap beyond maxConnections). */
  maxConnectionsPerSource?: number;
  /** paused/resumed connection count, for the gauge */
  onPause?: (delta: 1 | -1) => void;
  onConnections?: (delta: 1 | -1) => void;
  /** A connection the receiver closed or refused, and why (the counter). */
  onClosed?: (reason: ConnectionCloseReason) => void;
}

/** Why the receiver ended a connection: `sonde_syslog_connections_closed_total{reason}`. */
export type ConnectionCloseReason = 'idle' | 'per_source_limit' | 'max_connections';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Syslog over TCP (RFC 6587) or TLS (RFC 5425). Per connection: an RFC 6587 frame decoder
 * (framing detected from the first byte); each chunk's messages are published as one batch while
 * the socket is paused, and reading resumes only once the bus accepted them and the source's rate
 * limit allows. So a slow bus or a noisy sender slows the sender down through TCP flow control,
 * and nothing that was read is dropped.
 */
export class TcpSyslogServer {
  private servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly inFlight = new Set<Promise<void>>();
  /** open connections per source address, for maxConnectionsPerSource */
  private readonly perSource = new Map<string, number>();

  constructor(
    private readonly ingest: SyslogIngest,
    private readonly publisher: EventPublisher,
    private readonly limiter: SourceTokenBucket,
    private readonly counts: SyslogCounts,
    private readonly log: RateLimitedLog,
    private readonly options: TcpSyslogServerOptions,
  ) {}

  async listen(bindings: readonly StreamBinding[]): Promise<net.Server[]> {
    for (const b of bindings) {
      const server =
        this.options.transport === 'tls'
          ? tls.createServer(this.options.tls ?? {}, (s) => this.onConnection(s))
          : net.createServer((s) => this.onConnection(s));
      server.maxConnections = this.options.maxConnections;
      server.on('drop', (d) => {
        const address = normalizeAddress(d?.remoteAddress ?? 'unknown');
        this.options.onClosed?.('max_connections');
        this.log.log(address, 'max_connections', { transport: this.options.transport, maxConnections: this.options.maxConnections }, `${this.options.transport} connection from ${address} refused: maxConnections reached`);
      });
      if (this.options.transport === 'tls') {
        server.on('tlsClientError', (err, socket) => {
          this.log.log(normalizeAddress(socket.remoteAddress ?? '?'), 'tls_handshake', { err: err.message }, `TLS handshake failed: ${err.message}`);
        });
      }
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => reject(new ListenError(b.configPath ?? `syslogReceiver.${this.options.transport}.hosts`, this.options.transport, b.host, b.port, err));
        server.once('error', onError);
        server.listen({ host: b.host, port: b.port, ipv6Only: b.ipv6Only && net.isIPv6(b.host) }, () => {
          server.off('error', onError);
          resolve();
        });
      });
      this.servers.push(server);
    }
    return this.servers;
  }

  private onConnection(socket: net.Socket): void {
    const transport = this.options.transport;
    const address = normalizeAddress(socket.remoteAddress ?? 'unknown');
    const port = socket.remotePort ?? 0;
    const decoder = new SyslogFrameDecoder(this.options.maxMessageBytes);
    let framingErrors = 0;
    let closed = false;
    let paused = false;
    // One source may not take every slot: idle or stuck connections of one host (a relay that
    // reconnects without closing, a scanner) would otherwise lock real senders out.
    const cap = this.options.maxConnectionsPerSource ?? 0;
    const open = this.perSource.get(address) ?? 0;
    if (cap > 0 && open >= cap) {
      this.options.onClosed?.('per_source_limit');
      this.log.log(address, 'per_source_limit', { transport, maxConnectionsPerSource: cap }, `${transport} connection from ${address} refused: ${cap} connections from it already open (maxConnectionsPerSource)`);
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    this.perSource.set(address, open + 1);
    this.sockets.add(socket);
    this.options.onConnections?.(1);
    socket.setKeepAlive(true, 60_000);
    const idleMs = this.options.idleTimeoutMs ?? 0;
    if (idleMs > 0) {
      socket.setTimeout(idleMs);
      socket.on('timeout', () => {
        // paused by us (bus backpressure, rate limit): the sender is waiting on us, not idle
        if (paused) {
          socket.setTimeout(idleMs);
          return;
        }
        this.options.onClosed?.('idle');
        this.log.log(address, 'idle', { transport, idleTimeoutMs: idleMs }, `${transport} connection from ${address} closed: nothing received for ${idleMs} ms (idleTimeoutMs)`);
        socket.destroy();
      });
    }

    const handle = (frames: SyslogFrame[], receivedAt: number): SyslogMessageEvent[] => {
      if (decoder.framingErrors > framingErrors) {
        const n = decoder.framingErrors - framingErrors;
        framingErrors = decoder.framingErrors;
        // a bad MSG-LEN is one message read and dropped: received too, or received ≠ published + dropped
        this.counts.received(transport, n);
        this.counts.dropped('malformed', 'decode', n, 'framing');
        this.log.log(address, 'framing', { transport }, `bad RFC 6587 octet count from ${address}: skipped to the next LF`);
      }
      if (frames.length) this.counts.received(transport, frames.length);
      const events: SyslogMessageEvent[] = [];
      for (const f of frames) {
        const e = this.ingest.ingest(f.bytes, { transport, address, port, receivedAt, truncated: f.truncated });
        if (e) events.push(e);
      }
      return events;
    };

    const deliver = (events: SyslogMessageEvent[], frames: number): void => {
      socket.pause();
      paused = true;
      this.options.onPause?.(1);
      const job = (async () => {
        try {
          await this.publisher.publish(events);
          const wait = this.limiter.take(address, frames, Date.now());
          if (wait > 0) {
            this.log.log(address, 'rate-limit', { transport }, `syslog from ${address} over the rate limit: reading slowed down`);
            await sleep(wait);
          }
        } catch {
          // only when stopping: counted by the publisher
        } finally {
          this.options.onPause?.(-1);
          paused = false;
          if (!closed) socket.resume();
        }
      })();
      this.inFlight.add(job);
      void job.finally(() => this.inFlight.delete(job));
    };

    socket.on('data', (chunk: Buffer) => {
      const frames: SyslogFrame[] = [];
      decoder.push(chunk, frames);
      const events = handle(frames, Date.now());
      if (events.length) deliver(events, frames.length);
    });
    socket.on('end', () => {
      const frames: SyslogFrame[] = [];
      decoder.end(frames);
      const events = handle(frames, Date.now());
      if (events.length) deliver(events, frames.length);
      socket.end();
    });
    socket.on('error', (err) => this.log.log(address, 'socket_error', { transport, err: err.message }, `${transport} connection from ${address}: ${err.message}`));
    socket.on('close', () => {
      closed = true;
      this.sockets.delete(socket);
      const left = (this.perSource.get(address) ?? 1) - 1;
      if (left > 0) this.perSource.set(address, left);
      else this.perSource.delete(address);
      this.options.onConnections?.(-1);
    });
  }

  /** Stops accepting, lets in-flight batches reach the bus, then closes the connections. */
  async close(): Promise<void> {
    // net.Server#close calls back only once every connection is gone: destroy them first
    const closed = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    this.servers = [];
    for (const s of this.sockets) s.pause();
    await Promise.all([...this.inFlight]);
    for (const s of this.sockets) s.destroy();
    await Promise.all(closed);
  }
}
