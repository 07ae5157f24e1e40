import net from 'node:net';

/**
 * A loopback TCP front for a real server: it counts connections, drops the first `dropFirst`
 * of them (or all, with no upstream) the moment they open, and pipes the rest to the upstream.
 * It stands for a server that is down or restarting, without stopping the shared one.
 */
export class TcpFaultProxy {
  connections = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly upstream: { host: string; port: number } | undefined,
    private dropFirst: number,
  ) {
    this.server = net.createServer((client) => this.onConnection(client));
  }

  static async start(upstream: { host: string; port: number } | undefined, dropFirst = Infinity): Promise<TcpFaultProxy> {
    const proxy = new TcpFaultProxy(upstream, dropFirst);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    const address = this.server.address() as net.AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  private onConnection(client: net.Socket): void {
    this.connections++;
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => {});
    if (!this.upstream || this.dropFirst > 0) {
      this.dropFirst--;
      client.destroy();
      return;
    }
    const server = net.connect(this.upstream.port, this.upstream.host);
    this.sockets.add(server);
    server.on('close', () => this.sockets.delete(server));
    server.on('error', () => client.destroy());
    client.pipe(server).pipe(client);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
