import type { EventPublisher } from '@sonde/collector/event-publisher';
import { createSocket, type Socket } from 'node:dgram';
import { ListenError } from '@sonde/events/listen-error';
import type { TrapReceiver } from './trap-receiver';

export interface ListenAddress {
  address: string;
  port: number;
}

/**
 * The UDP edge: one socket per configured address (IPv6 ones v6-only, so `0.0.0.0` and `::`
 * can share a port). Each datagram goes through TrapReceiver.handle; a reply (discovery Report)
 * goes back from the socket it came in on. An inform's Response is sent only once the publisher
 * says the bus accepted its event (ARCHITECTURE.md delivery table); refused, the sender retries.
 */
export class TrapSockets {
  private sockets: Socket[] = [];
  /** bound ports, in the order of `listen` (port 0 resolved) */
  ports: number[] = [];

  constructor(
    private readonly receiver: TrapReceiver,
    private readonly publisher: EventPublisher,
    private readonly receiveBufferBytes = 8 * 1024 * 1024,
  ) {}

  /** SO_RCVBUF the kernel granted, summed over the sockets (Linux reports twice the usable size). */
  get grantedReceiveBufferBytes(): number {
    let n = 0;
    for (const s of this.sockets) n += s.getRecvBufferSize();
    return n;
  }

  /** Binds every address or none: a socket that cannot be bound closes the others and throws ListenError naming `trapReceiver.listen[i]`. */
  async start(listen: readonly ListenAddress[]): Promise<ListenAddress[]> {
    const bound: ListenAddress[] = [];
    for (const [i, l] of listen.entries()) {
      const v6 = l.address.includes(':');
      const socket = createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6, recvBufferSize: this.receiveBufferBytes });
      socket.on('message', (buf, rinfo) => {
        const r = this.receiver.handle(buf, rinfo);
        if (r.reply) socket.send(r.reply, rinfo.port, rinfo.address);
        if (!r.event) return;
        const inform = r.inform;
        if (inform === undefined) this.publisher.enqueue(r.event);
        else {
          this.publisher.enqueue(r.event, (accepted) => {
            const response = this.receiver.settleInform(inform, accepted);
            // a late acceptance after close() has no socket to answer from: the sender retries
            if (response && this.sockets.includes(socket)) socket.send(response, rinfo.port, rinfo.address);
          });
        }
      });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(l.port, l.address, () => {
            socket.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        socket.removeAllListeners('message');
        socket.on('error', () => undefined);
        try {
          socket.close();
        } catch {
          // never bound: nothing to close
        }
        await this.close();
        throw new ListenError(`trapReceiver.listen[${i}]`, 'udp', l.address, l.port, err);
      }
      socket.on('error', () => undefined); // send errors to vanished peers: nothing to do
      this.sockets.push(socket);
      const a = socket.address();
      bound.push({ address: a.address, port: a.port });
      this.ports.push(a.port);
    }
    return bound;
  }

  async close(): Promise<void> {
    await this.publisher.drain();
    await Promise.all(this.sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.sockets = [];
    this.ports = [];
  }
}
