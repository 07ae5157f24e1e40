import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { EventPublisher } from '@sonde/collector/event-publisher';
import type { SourceTokenBucket } from '@sonde/collector/source-token-bucket';
import { UdpSourceIsolation, type IsolatedSource, type UdpSourceIsolationOptions } from '@sonde/collector/udp-source-isolation';
import { normalizeAddress } from '@sonde/inventory/network-address';
import type { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import { ListenError } from '@sonde/events/listen-error';
import type { SyslogIngest } from './syslog-ingest';
import type { SyslogCounts } from './syslog-receiver.metrics';

export interface UdpBinding {
  host: string;
  port: number;
  receiveBufferBytes: number;
  /** SO_REUSEPORT, so several sockets (worker threads, isolated flooding sources) share the port. */
  reusePort: boolean;
  /** bind `::` to IPv6 only, so `0.0.0.0` can be bound beside it on the same port */
  ipv6Only: boolean;
  /** The config path that chose this address, named when it cannot be bound (`syslogReceiver.udp.hosts[1]`). */
  configPath?: string;
  /** joins a port our own sockets hold (worker threads after the first): no probe (see bindUdp) */
  join?: boolean;
}

/** A flooding source's own socket, on the port and address of the shared one it arrived on. */
export function isolationFor(
  binding: UdpBinding,
  socket: dgram.Socket,
  options: UdpSourceIsolationOptions,
  handler: (msg: Buffer, rinfo: dgram.RemoteInfo, source: IsolatedSource) => void,
  hooks: ConstructorParameters<typeof UdpSourceIsolation>[3],
): UdpSourceIsolation {
  const local = socket.address();
  return new UdpSourceIsolation(
    {
      type: isIPv6(binding.host) ? 'udp6' : 'udp4', address: binding.host, port: local.port,
      ipv6Only: binding.ipv6Only && isIPv6(binding.host), recvBufferSize: binding.receiveBufferBytes,
    },
    // without SO_REUSEPORT on the shared socket a second one cannot bind the port
    binding.reusePort ? options : { ...options, maxSources: 0 },
    handler,
    hooks,
  );
}

/** Binds one socket; resolves with it bound, rejects with a ListenError. */
function bindSocket(binding: UdpBinding, port: number, reusePort: boolean, onMessage?: (msg: Buffer, rinfo: dgram.RemoteInfo) => void): Promise<dgram.Socket> {
  const socket = dgram.createSocket({
    type: isIPv6(binding.host) ? 'udp6' : 'udp4',
    reusePort,
    ipv6Only: binding.ipv6Only && isIPv6(binding.host),
    ...(onMessage ? { recvBufferSize: binding.receiveBufferBytes } : {}),
  });
  if (onMessage) socket.on('message', onMessage);
  return new Promise<dgram.Socket>((resolve, reject) => {
    const onError = (err: Error) => {
      socket.close();
      reject(new ListenError(binding.configPath ?? 'syslogReceiver.udp.hosts', 'udp', binding.host, binding.port, err));
    };
    socket.once('error', onError);
    socket.bind({ address: binding.host, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

/**
 * Binds one UDP socket; resolves once it listens. With SO_REUSEPORT, another socket of the same
 * user may bind the port too — a second Sonde by mistake would silently share it, and port 0 may
 * be given a port such a socket already holds. So the first socket on a port (not `join`) is
 * preceded by a probe without SO_REUSEPORT: it fails as any busy port does (ListenError, exit 3)
 * and, for port 0, chooses a port nobody holds; the probe is closed and the port bound at once.
 */
export async function bindUdp(binding: UdpBinding, onMessage: (msg: Buffer, rinfo: dgram.RemoteInfo) => void): Promise<dgram.Socket> {
  let port = binding.port;
  if (binding.reusePort && !binding.join) {
    const probe = await bindSocket(binding, port, false);
    port = probe.address().port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  }
  return bindSocket(binding, port, binding.reusePort, onMessage);
}

/**
 * Syslog over UDP (RFC 5426) on the main thread: one datagram = one message. Best effort: over
 * the per-source rate the datagram is dropped and counted, one warning per source per interval.
 */
export class UdpSyslogServer {
  private sockets: dgram.Socket[] = [];
  private isolations: UdpSourceIsolation[] = [];

  constructor(
    private readonly ingest: SyslogIngest,
    private readonly publisher: EventPublisher,
    private readonly limiter: SourceTokenBucket,
    private readonly counts: SyslogCounts,
    private readonly dropLog: RateLimitedLog,
    private readonly isolation: UdpSourceIsolationOptions = { maxSources: 0, releaseAfterMs: 0 },
    /** an isolated source's socket is about to close: its kernel drops must be read now */
    private readonly onRelease?: (source: IsolatedSource) => void,
  ) {}

  /** SO_RCVBUF the kernel granted (twice what was set: socket(7)), summed over the shared sockets. */
  get receiveBufferBytes(): number {
    let n = 0;
    for (const s of this.sockets) n += s.getRecvBufferSize();
    return n;
  }

  /** Sources on a socket of their own now (UdpSourceIsolation). */
  get isolatedSources(): number {
    return this.isolations.reduce((n, i) => n + i.isolated.length, 0);
  }

  async listen(bindings: readonly UdpBinding[]): Promise<dgram.Socket[]> {
    for (const b of bindings) {
      // the isolation needs the bound socket (its port), the socket's handler needs the isolation
      const shared: { isolation?: UdpSourceIsolation } = {};
      const socket = await bindUdp(b, (msg, rinfo) => this.onMessage(msg, rinfo, shared.isolation));
      const isolation = isolationFor(b, socket, this.isolation, (msg, rinfo, source) => this.onMessage(msg, rinfo, undefined, source), {
        onRelease: this.onRelease,
        onError: (source, err) => this.dropLog.log(source.address, 'isolation_error', { err: err.message }, `syslog UDP: cannot give ${source.address}:${source.port} its own socket: ${err.message}`),
      });
      shared.isolation = isolation;
      this.sockets.push(socket);
      this.isolations.push(isolation);
    }
    for (const s of this.sockets) s.on('error', (err) => this.dropLog.log('udp', 'socket_error', { err: err.message }));
    return this.sockets;
  }

  // Datagrams are queued and parsed together once libuv has handed over what it read in this
  // poll (up to 32 per socket): the parse code then runs hot on a batch instead of alternating
  // with the socket path for every datagram (measured in bench/syslog/RESULTS.md).
  private queue: { msg: Buffer; address: string; port: number; at: number }[] = [];
  private scheduled = false;

  /** One datagram, from a shared socket (with its isolation) or from an isolated source's own. */
  onMessage(msg: Buffer, rinfo: dgram.RemoteInfo, isolation?: UdpSourceIsolation, isolated?: IsolatedSource): void {
    const at = Date.now();
    isolation?.sample(rinfo.address, rinfo.port);
    const address = normalizeAddress(rinfo.address);
    // the over-limit path is decided here, before anything is queued or allocated: a flooding
    // source costs one bucket lookup per datagram, so the socket keeps being drained for the
    // quiet ones (issue 11 item 3); and it is moved to a socket of its own, so its overflow
    // stops filling the shared kernel buffer
    if (this.limiter.tryTake(address, at) !== undefined) {
      this.counts.received('udp');
      this.counts.dropped('rate-limit', 'receive');
      if (isolated) isolated.lastOverAt = at;
      else isolation?.isolate(rinfo.address, rinfo.port, at);
      this.dropLog.log(address, 'rate-limit', {}, `syslog from ${address} over the rate limit: dropping`);
      return;
    }
    // sending faster than its rate: isolated before the first refusal, so the burst it is still
    // allowed does not fill the shared buffer either
    if (this.limiter.lastDraining) {
      if (isolated) isolated.lastOverAt = at;
      else isolation?.isolate(rinfo.address, rinfo.port, at);
    }
    this.queue.push({ msg, address, port: rinfo.port, at });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.processQueue());
    }
  }

  private processQueue(): void {
    const queue = this.queue;
    this.queue = [];
    this.scheduled = false;
    this.counts.received('udp', queue.length);
    for (const d of queue) {
      const event = this.ingest.ingest(d.msg, { transport: 'udp', address: d.address, port: d.port, receivedAt: d.at, truncated: false });
      if (event) this.publisher.enqueue(event);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.isolations.map((i) => i.close()));
    await Promise.all(this.sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.sockets = [];
    this.isolations = [];
    this.processQueue();
  }
}
