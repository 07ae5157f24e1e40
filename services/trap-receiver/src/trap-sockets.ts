import { createSocket, type Socket } from 'node:dgram';
import type { TrapPublisher } from './trap-publisher';
import type { TrapReceiver } from './trap-receiver';

export interface ListenAddress {
  address: string;
  port: number;
}

/**
 * The UDP edge: one socket per configured address (IPv6 ones v6-only, so `0.0.0.0` and `::`
 * can share a port). Each datagram goes through TrapReceiver.handle; a reply (inform Response,
 * discovery Report) goes back to the sender from the socket it came in on.
 */
export class TrapSockets {
  private sockets: Socket[] = [];
  /** bound ports, in the order of `listen` (port 0 resolved) */
  ports: number[] = [];

  constructor(
    private readonly receiver: TrapReceiver,
    private readonly publisher: TrapPublisher,
    private readonly receiveBufferBytes = 8 * 1024 * 1024,
  ) {}

  async start(listen: readonly ListenAddress[]): Promise<ListenAddress[]> {
    const bound: ListenAddress[] = [];
    for (const l of listen) {
      const v6 = l.address.includes(':');
      const socket = createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6, recvBufferSize: this.receiveBufferBytes });
      socket.on('message', (buf, rinfo) => {
        const r = this.receiver.handle(buf, rinfo);
        if (r.reply) socket.send(r.reply, rinfo.port, rinfo.address);
        if (r.event) this.publisher.push(r.event);
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(l.port, l.address, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      socket.on('error', () => undefined); // send errors to vanished peers: nothing to do
      this.sockets.push(socket);
      const a = socket.address();
      bound.push({ address: a.address, port: a.port });
      this.ports.push(a.port);
    }
    return bound;
  }

  async close(): Promise<void> {
    await Promise.all(this.sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.sockets = [];
    this.ports = [];
    await this.publisher.flush();
  }
}
