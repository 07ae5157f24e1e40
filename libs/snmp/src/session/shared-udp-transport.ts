import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';

/**
 * net-snmp opens one UDP socket per session (`dgram.createSocket` in its Session constructor):
 * at thousands of devices that is thousands of file descriptors and kernel buffers. This is a
 * drop-in for the `dgram` module net-snmp accepts as `dgramModule`: every session gets a
 * lightweight virtual socket, and all of them send through a small pool of real sockets.
 *
 * Replies are routed back by the peer's (address, port): a session only ever talks to its one
 * agent. Two sessions to the same peer (two credentials for one device) both see the reply and
 * net-snmp drops the one whose request id it does not know, so sharing is safe.
 *
 * Peers must be IP literals (the session pool resolves host names first) so that the address
 * we send to is the address `rinfo` reports.
 */
export interface SharedUdpTransportOptions {
  /** Real sockets per address family. One is enough for loopback; a few spread kernel buffers. */
  sockets: number;
  /** SO_RCVBUF asked for each real socket (the kernel caps it at net.core.rmem_max). */
  recvBufferBytes: number;
}

export interface SharedUdpTransportStats {
  sockets: number;
  virtualSockets: number;
  sent: number;
  received: number;
  /** Datagrams from a peer no open session talks to (late replies after close, strays). */
  unroutable: number;
  sendErrors: number;
  recvBufferBytes: number;
}

type Family = 'udp4' | 'udp6';

export class SharedUdpTransport {
  private readonly real: Record<Family, dgram.Socket[]> = { udp4: [], udp6: [] };
  private readonly routes = new Map<string, Set<VirtualUdpSocket>>();
  private next = 0;
  private virtualCount = 0;
  private refs = 0;
  private closed = false;
  readonly stats: SharedUdpTransportStats = {
    sockets: 0, virtualSockets: 0, sent: 0, received: 0, unroutable: 0, sendErrors: 0, recvBufferBytes: 0,
  };

  constructor(private readonly options: SharedUdpTransportOptions) {}

  /** What net-snmp calls; the object passed as `dgramModule` is this transport itself. */
  createSocket(type: string | { type: string }): VirtualUdpSocket {
    if (this.closed) throw new Error('shared UDP transport is closed');
    const family: Family = (typeof type === 'string' ? type : type.type) === 'udp6' ? 'udp6' : 'udp4';
    const pool = this.poolFor(family);
    const socket = pool[this.next++ % pool.length];
    if (!socket) throw new Error('shared UDP transport has no socket');
    this.virtualCount++;
    this.stats.virtualSockets = this.virtualCount;
    return new VirtualUdpSocket(this, socket);
  }

  /** @internal used by VirtualUdpSocket */
  route(peer: string, vs: VirtualUdpSocket): void {
    let set = this.routes.get(peer);
    if (!set) this.routes.set(peer, (set = new Set()));
    set.add(vs);
  }

  /** @internal */
  unroute(peer: string, vs: VirtualUdpSocket): void {
    const set = this.routes.get(peer);
    if (!set) return;
    set.delete(vs);
    if (set.size === 0) this.routes.delete(peer);
  }

  /** @internal */
  released(): void {
    this.virtualCount--;
    this.stats.virtualSockets = this.virtualCount;
  }

  /** @internal net-snmp refs its socket while requests are pending so the process stays up. */
  ref(delta: 1 | -1): void {
    const before = this.refs;
    this.refs = Math.max(0, this.refs + delta);
    if ((before === 0) !== (this.refs === 0)) {
      for (const s of [...this.real.udp4, ...this.real.udp6]) {
        if (this.refs > 0) s.ref();
        else s.unref();
      }
    }
  }

  /** @internal */
  countSend(ok: boolean): void {
    if (ok) this.stats.sent++;
    else this.stats.sendErrors++;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.real.udp4, ...this.real.udp6];
    this.real.udp4 = [];
    this.real.udp6 = [];
    await Promise.all(all.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private poolFor(family: Family): dgram.Socket[] {
    const pool = this.real[family];
    while (pool.length < Math.max(1, this.options.sockets)) {
      const socket = dgram.createSocket({ type: family, recvBufferSize: this.options.recvBufferBytes });
      socket.on('message', (msg, rinfo) => this.deliver(msg, rinfo));
      // A send error is reported to the sender's callback; socket-level errors (ICMP
      // unreachable on Linux surfaces as ECONNREFUSED only on connected sockets) are counted.
      socket.on('error', () => this.stats.sendErrors++);
      socket.bind(0, family === 'udp6' ? '::' : '0.0.0.0', () => {
        try {
          this.stats.recvBufferBytes = socket.getRecvBufferSize();
        } catch {
          // not bound yet on some platforms; the stat stays at its last value
        }
      });
      if (this.refs === 0) socket.unref();
      pool.push(socket);
      this.stats.sockets++;
    }
    return pool;
  }

  private deliver(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    this.stats.received++;
    const set = this.routes.get(peerKey(rinfo.address, rinfo.port));
    if (!set || set.size === 0) {
      this.stats.unroutable++;
      return;
    }
    for (const vs of set) vs.emit('message', msg, rinfo);
  }
}

export function peerKey(address: string, port: number): string {
  return `${address}|${port}`;
}

/** The per-session face of a shared socket: the subset of dgram.Socket net-snmp uses. */
export class VirtualUdpSocket extends EventEmitter {
  private readonly peers = new Set<string>();
  private refd = false;
  private closed = false;

  constructor(
    private readonly transport: SharedUdpTransport,
    private readonly socket: dgram.Socket,
  ) {
    super();
  }

  send(buffer: Buffer, offset: number, length: number, port: number, address: string, cb?: (err: Error | null, bytes?: number) => void): void {
    if (this.closed) {
      cb?.(new Error('Not running'));
      return;
    }
    const peer = peerKey(address, port);
    if (!this.peers.has(peer)) {
      this.peers.add(peer);
      this.transport.route(peer, this);
    }
    this.socket.send(buffer, offset, length, port, address, (err, bytes) => {
      this.transport.countSend(!err);
      cb?.(err ?? null, bytes);
    });
  }

  bind(): this {
    // Sessions share the pool's ephemeral ports; a fixed source port is not supported here.
    return this;
  }

  ref(): this {
    if (!this.refd && !this.closed) {
      this.refd = true;
      this.transport.ref(1);
    }
    return this;
  }

  unref(): this {
    if (this.refd) {
      this.refd = false;
      this.transport.ref(-1);
    }
    return this;
  }

  close(cb?: () => void): this {
    if (this.closed) return this;
    this.unref();
    this.closed = true;
    for (const peer of this.peers) this.transport.unroute(peer, this);
    this.peers.clear();
    this.transport.released();
    // dgram emits 'close' asynchronously; net-snmp cancels pending requests on it.
    setImmediate(() => {
      this.emit('close');
      cb?.();
    });
    return this;
  }
}
