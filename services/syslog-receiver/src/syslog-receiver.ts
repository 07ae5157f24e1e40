import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { EventBus } from '@sonde/bus/event-bus';
import type { EventOrigin } from '@sonde/events/create-event';
import { EventPublisher } from '@sonde/collector/event-publisher';
import { SourceTokenBucket } from '@sonde/collector/source-token-bucket';
import { UdpKernelDropLedger } from '@sonde/collector/udp-kernel-drops';
import { normalizeAddress } from '@sonde/inventory/network-address';
import { RateLimitedLog, type WarnSink } from '@sonde/telemetry/rate-limited-log';
import { SyslogReceiverError } from './syslog-receiver-error';
import { SyslogIngest, type SourceResolver } from './syslog-ingest';
import type { SyslogReceiverConfig } from './syslog-receiver.config';
import type { SyslogCounts } from './syslog-receiver.metrics';
import { TcpSyslogServer, type ConnectionCloseReason } from './tcp-syslog-server';
import { UdpSyslogServer, type UdpBinding } from './udp-syslog-server';
import { UdpWorkerPool } from './udp-worker-pool';

/** A TLS file named in the config; a boot error names the config path and the file. */
function readTlsFile(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new SyslogReceiverError('config', `cannot read syslogReceiver.tls.${key} "${file}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      path: `syslogReceiver.tls.${key}`,
      file,
    });
  }
}

export interface SyslogReceiverDeps {
  bus: EventBus;
  resolver: SourceResolver;
  counts: SyslogCounts;
  log: WarnSink;
  origin: EventOrigin;
  /** open / paused connection gauges */
  gauges?: {
    connections(transport: 'tcp' | 'tls', delta: 1 | -1): void;
    paused(transport: 'tcp' | 'tls', delta: 1 | -1): void;
    /** a connection the receiver closed (idle) or refused (per-source cap, maxConnections) */
    closed?(transport: 'tcp' | 'tls', reason: ConnectionCloseReason): void;
  };
}

export interface SyslogListening {
  udp: number[];
  /**
   * SO_RCVBUF per UDP socket: asked (config) and granted by the kernel, which doubles what it
   * sets (socket(7)) after capping it at net.core.rmem_max — granted < 2 × asked means capped.
   */
  udpReceiveBuffer?: { requested: number; granted: number; capped: boolean };
  tcp: AddressInfo[];
  tls: AddressInfo[];
}

/**
 * The syslog receiver, assembled from config: UDP (main thread or worker threads), TCP and TLS
 * listeners sharing one ingest (parse → event), one publisher and one per-source rate limiter.
 * Plain class: the Nest listener only calls start() and stop().
 */
export class SyslogReceiver {
  private readonly ingest: SyslogIngest;
  private readonly publisher: EventPublisher;
  private readonly dropLog: RateLimitedLog;
  private readonly limiter: SourceTokenBucket;
  private udp: UdpSyslogServer | undefined;
  private pool: UdpWorkerPool | undefined;
  private tcp: TcpSyslogServer | undefined;
  private tls: TcpSyslogServer | undefined;
  /** bound UDP ports (for the kernel drop counter) */
  readonly udpPorts = new Set<number>();
  /** kernel drops on those ports, kept across isolated sockets being closed, by source where known */
  readonly kernelDrops = new UdpKernelDropLedger(this.udpPorts);

  constructor(
    private readonly config: SyslogReceiverConfig,
    private readonly deps: SyslogReceiverDeps,
  ) {
    this.ingest = new SyslogIngest(config, deps.counts, deps.origin, deps.resolver);
    this.publisher = new EventPublisher(deps.bus, deps.counts, config.batch, deps.log);
    this.dropLog = new RateLimitedLog(deps.log, { intervalMs: config.logIntervalMs });
    this.limiter = new SourceTokenBucket({ perSourcePerSecond: config.rateLimit.messagesPerSecond, perSourceBurst: config.rateLimit.burst });
  }

  get pendingEvents(): number {
    return this.publisher.pendingEvents;
  }

  /** SO_RCVBUF the kernel granted the shared UDP sockets, summed (worker threads report theirs). */
  get udpReceiveBufferBytes(): number {
    return this.udp?.receiveBufferBytes ?? this.pool?.receiveBufferBytes ?? 0;
  }

  /** Sources on a UDP socket of their own now (over their rate limit, `udp.isolation`). */
  get udpIsolatedSources(): number {
    return this.udp?.isolatedSources ?? this.pool?.isolatedSources ?? 0;
  }

  /** UDP rate-limit drops by source: top sources and `other`. */
  droppedBySource(): Array<{ source: string; dropped: number }> {
    return this.pool ? this.pool.droppedBySource() : this.limiter.droppedBySource();
  }

  async start(): Promise<SyslogListening> {
    const c = this.config;
    const multiHost = (hosts: string[]) => hosts.length > 1;
    const listening: SyslogListening = { udp: [], tcp: [], tls: [] };
    this.dropLog.start();
    try {
      if (c.udp.enabled) {
        // SO_REUSEPORT (Linux) lets worker threads and isolated flooding sources bind the port too
        const reusePort = process.platform === 'linux' && (c.udp.workers > 0 || c.udp.isolation.maxSources > 0);
        const bindings: UdpBinding[] = c.udp.hosts.map((host, i) => ({
          configPath: `syslogReceiver.udp.hosts[${i}]`, host, port: c.udp.port, receiveBufferBytes: c.udp.receiveBufferBytes, reusePort, ipv6Only: multiHost(c.udp.hosts),
        }));
        if (c.udp.workers > 0) {
          this.pool = new UdpWorkerPool(this.ingest, this.publisher, this.deps.counts, this.dropLog, this.kernelDrops);
          listening.udp = await this.pool.start(c.udp.workers, c, bindings);
        } else {
          this.udp = new UdpSyslogServer(this.ingest, this.publisher, this.limiter, this.deps.counts, this.dropLog, c.udp.isolation, (s) =>
            this.kernelDrops.retire(normalizeAddress(s.address), s.port),
          );
          listening.udp = (await this.udp.listen(bindings)).map((s) => s.address().port);
        }
        for (const p of listening.udp) this.udpPorts.add(p);
        const sockets = c.udp.hosts.length * Math.max(1, c.udp.workers);
        const granted = Math.round(this.udpReceiveBufferBytes / sockets);
        listening.udpReceiveBuffer = { requested: c.udp.receiveBufferBytes, granted, capped: granted < 2 * c.udp.receiveBufferBytes };
      }
      const stream = (transport: 'tcp' | 'tls', hosts: string[], port: number) =>
        hosts.map((host, i) => ({ configPath: `syslogReceiver.${transport}.hosts[${i}]`, host, port, ipv6Only: multiHost(hosts) }));
      const gauges = (transport: 'tcp' | 'tls') => ({
        onConnections: (d: 1 | -1) => this.deps.gauges?.connections(transport, d),
        onPause: (d: 1 | -1) => this.deps.gauges?.paused(transport, d),
        onClosed: (reason: ConnectionCloseReason) => this.deps.gauges?.closed?.(transport, reason),
      });
      if (c.tcp.enabled) {
        this.tcp = new TcpSyslogServer(this.ingest, this.publisher, this.limiter, this.deps.counts, this.dropLog, {
          transport: 'tcp', maxMessageBytes: c.maxMessageBytes, maxConnections: c.tcp.maxConnections,
          idleTimeoutMs: c.tcp.idleTimeoutMs, maxConnectionsPerSource: c.tcp.maxConnectionsPerSource, ...gauges('tcp'),
        });
        listening.tcp = (await this.tcp.listen(stream('tcp', c.tcp.hosts, c.tcp.port))).map((s) => s.address() as AddressInfo);
      }
      if (c.tls.enabled && c.tls.certFile && c.tls.keyFile) {
        this.tls = new TcpSyslogServer(this.ingest, this.publisher, this.limiter, this.deps.counts, this.dropLog, {
          transport: 'tls', maxMessageBytes: c.maxMessageBytes, maxConnections: c.tls.maxConnections,
          idleTimeoutMs: c.tls.idleTimeoutMs, maxConnectionsPerSource: c.tls.maxConnectionsPerSource, ...gauges('tls'),
          tls: {
            cert: readTlsFile(c.tls.certFile, 'certFile'),
            key: readTlsFile(c.tls.keyFile, 'keyFile'),
            ...(c.tls.caFile ? { ca: readTlsFile(c.tls.caFile, 'caFile') } : {}),
            requestCert: c.tls.requireClientCert,
            rejectUnauthorized: c.tls.requireClientCert,
            minVersion: 'TLSv1.2', // RFC 5425 §4.2 asks for TLS 1.2 (RFC 9662)
          },
        });
        listening.tls = (await this.tls.listen(stream('tls', c.tls.hosts, c.tls.port))).map((s) => s.address() as AddressInfo);
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
    return listening;
  }

  /**
   * Stops reading, publishes what was read, flushes the drop summaries. If the bus still refuses
   * after `shutdownGraceMs`, held TCP/TLS messages are counted as dropped (`shutdown`).
   */
  async stop(shutdownGraceMs = 10_000): Promise<void> {
    const giveUp = setTimeout(() => this.publisher.abandonRetries(), shutdownGraceMs);
    giveUp.unref();
    await this.udp?.close();
    await this.pool?.stop();
    await this.tcp?.close();
    await this.tls?.close();
    this.udp = this.pool = this.tcp = this.tls = undefined;
    await this.publisher.drain();
    clearTimeout(giveUp);
    this.dropLog.stop();
  }
}
