import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import { SyslogReceiverError } from './syslog-receiver-error';
import { normalizeSourceAddress, type SyslogIngest } from './syslog-ingest';
import type { SourceRateLimiter } from './source-rate-limiter';
import type { SyslogPublisher } from './syslog-publisher';
import type { SyslogCounts } from './syslog-receiver.metrics';

export interface UdpBinding {
  host: string;
  port: number;
  receiveBufferBytes: number;
  /** SO_REUSEPORT, so several sockets (worker threads) share the port. */
  reusePort: boolean;
  /** bind `::` to IPv6 only, so `0.0.0.0` can be bound beside it on the same port */
  ipv6Only: boolean;
}

/** Binds one UDP socket; resolves once it listens. */
export async function bindUdp(binding: UdpBinding, onMessage: (msg: Buffer, rinfo: dgram.RemoteInfo) => void): Promise<dgram.Socket> {
  const socket = dgram.createSocket({
    type: isIPv6(binding.host) ? 'udp6' : 'udp4',
    reusePort: binding.reusePort,
    ipv6Only: binding.ipv6Only && isIPv6(binding.host),
    recvBufferSize: binding.receiveBufferBytes,
  });
  socket.on('message', onMessage);
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) =>
      reject(
        new SyslogReceiverError('unavailable', `cannot listen on udp ${binding.host}:${binding.port} (syslogReceiver.udp.hosts/port): ${err.message}`, {
          path: 'syslogReceiver.udp', host: binding.host, port: binding.port,
        }, { cause: err }),
      );
    socket.once('error', onError);
    socket.bind({ address: binding.host, port: binding.port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
  return socket;
}

/**
 * Syslog over UDP (RFC 5426) on the main thread: one datagram = one message. Best effort: over
 * the per-source rate the datagram is dropped and counted, one warning per source per interval.
 */
export class UdpSyslogServer {
  private sockets: dgram.Socket[] = [];

  constructor(
    private readonly ingest: SyslogIngest,
    private readonly publisher: SyslogPublisher,
    private readonly limiter: SourceRateLimiter,
    private readonly counts: SyslogCounts,
    private readonly dropLog: RateLimitedLog,
  ) {}

  async listen(bindings: readonly UdpBinding[]): Promise<dgram.Socket[]> {
    for (const b of bindings) this.sockets.push(await bindUdp(b, (msg, rinfo) => this.onMessage(msg, rinfo)));
    for (const s of this.sockets) s.on('error', (err) => this.dropLog.log('udp', 'socket_error', { err: err.message }));
    return this.sockets;
  }

  // Datagrams are queued and parsed together once libuv has handed over what it read in this
  // poll (up to 32 per socket): the parse code then runs hot on a batch instead of alternating
  // with the socket path for every datagram (measured in bench/syslog/RESULTS.md).
  private queue: { msg: Buffer; address: string; port: number; at: number }[] = [];
  private scheduled = false;

  onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    this.queue.push({ msg, address: rinfo.address, port: rinfo.port, at: Date.now() });
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
      const address = normalizeSourceAddress(d.address);
      if (!this.limiter.tryTake(address, d.at)) {
        this.counts.dropped('rate_limit', 'receive');
        this.dropLog.log(address, 'rate_limit', {}, `syslog from ${address} over the rate limit: dropping`);
        continue;
      }
      const event = this.ingest.ingest(d.msg, { transport: 'udp', address, port: d.port, receivedAt: d.at, truncated: false });
      if (event) this.publisher.enqueue(event);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.sockets = [];
    this.processQueue();
  }
}
