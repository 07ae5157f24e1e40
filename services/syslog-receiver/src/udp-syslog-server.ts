import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { EventPublisher } from '@sonde/collector/event-publisher';
import type { SourceTokenBucket } from '@sonde/collector/source-token-bucket';
import { normalizeAddress } from '@sonde/inventory/network-address';
import type { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import { ListenError } from '@sonde/events/listen-error';
import type { SyslogIngest } from './syslog-ingest';
import type { SyslogCounts } from './syslog-receiver.metrics';

export interface UdpBinding {
  host: string;
  port: number;
  receiveBufferBytes: number;
  /** SO_REUSEPORT, so several sockets (worker threads) share the port. */
  reusePort: boolean;
  /** bind `::` to IPv6 only, so `0.0.0.0` can be bound beside it on the same port */
  ipv6Only: boolean;
  /** The config path that chose this address, named when it cannot be bound (`syslogReceiver.udp.hosts[1]`). */
  configPath?: string;
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
    const onError = (err: Error) => reject(new ListenError(binding.configPath ?? 'syslogReceiver.udp.hosts', 'udp', binding.host, binding.port, err));
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
    private readonly publisher: EventPublisher,
    private readonly limiter: SourceTokenBucket,
    private readonly counts: SyslogCounts,
    private readonly dropLog: RateLimitedLog,
  ) {}

  /** SO_RCVBUF the kernel granted, summed over the sockets (capped by net.core.rmem_max). */
  get receiveBufferBytes(): number {
    let n = 0;
    for (const s of this.sockets) n += s.getRecvBufferSize();
    return n;
  }

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
    const at = Date.now();
    const address = normalizeAddress(rinfo.address);
    // the over-limit path is decided here, before anything is queued or allocated: a flooding
    // source costs one bucket lookup per datagram, so the socket keeps being drained for the
    // quiet ones (issue 11 item 3)
    if (this.limiter.tryTake(address, at) !== undefined) {
      this.counts.received('udp');
      this.counts.dropped('rate-limit', 'receive');
      this.dropLog.log(address, 'rate-limit', {}, `syslog from ${address} over the rate limit: dropping`);
      return;
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
    await Promise.all(this.sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.sockets = [];
    this.processQueue();
  }
}
