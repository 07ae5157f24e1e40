import net from 'node:net';
import { SyslogHarness } from './syslog-harness';
import { runLogger } from './syslog-peers';

/**
 * Idle or stuck TCP connections must not lock real senders out (issue 11 item 10): a connection
 * silent for idleTimeoutMs is closed, one source address holds at most maxConnectionsPerSource,
 * both counted (`sonde_syslog_connections_closed_total{reason}`). Real sockets on loopback and
 * util-linux `logger --tcp` as the real sender.
 */
function connect(port: number, localAddress = '127.0.0.1'): Promise<{ socket: net.Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress }, () => resolve({ socket, closed }));
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('TCP syslog connection limits', () => {
  let h: SyslogHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('closes idle connections, so maxConnections idle sockets no longer lock logger out', async () => {
    h = await SyslogHarness.start({ tcp: { maxConnections: 3, idleTimeoutMs: 300, maxConnectionsPerSource: 0 } });
    const port = h.listening.tcp[0]?.port ?? 0;
    const idle = await Promise.all([connect(port), connect(port), connect(port)]);
    await until('the receiver to see 3 connections', async () => (await h!.counter('sonde_syslog_connections', { transport: 'tcp' })) === 3);
    // the server closes every one of them: nothing came on them for idleTimeoutMs
    let closedByServer = 0;
    for (const c of idle) void c.closed.then(() => closedByServer++);
    await until('the receiver to close the 3 idle connections', () => closedByServer === 3);
    expect(await h.counter('sonde_syslog_connections_closed_total', { transport: 'tcp', reason: 'idle' })).toBe(3);
    runLogger(['--tcp', '--server', '127.0.0.1', '--port', String(port), '--rfc5424', '-t', 'tcptest', 'after the idle ones']);
    const [event] = await h.waitFor(1);
    expect(event?.payload.message).toBe('after the idle ones');
  });

  it('caps the connections of one source, counted, while another source still gets in', async () => {
    h = await SyslogHarness.start({ tcp: { maxConnections: 10, maxConnectionsPerSource: 2, idleTimeoutMs: 0 } });
    const port = h.listening.tcp[0]?.port ?? 0;
    const held = await Promise.all([connect(port), connect(port)]);
    await until('2 connections', async () => (await h!.counter('sonde_syslog_connections', { transport: 'tcp' })) === 2);
    const third = await connect(port);
    let refused = false;
    void third.closed.then(() => (refused = true));
    await until('the third connection of the source to be refused', () => refused);
    expect(await h.counter('sonde_syslog_connections_closed_total', { transport: 'tcp', reason: 'per_source_limit' })).toBe(1);
    expect(h.warnings.some((w) => w.msg.includes('refused: 2 connections from it already open (maxConnectionsPerSource)'))).toBe(true);
    // another source address (Linux routes 127/8 to lo) is not affected
    const other = await connect(port, '127.0.0.2');
    other.socket.end('<13>1 - other app - - - from another source\n');
    const [event] = await h.waitFor(1);
    expect(event?.payload.message).toBe('from another source');
    expect(event?.device.address).toBe('127.0.0.2');
    // a closed slot is free again for the capped source
    held[0]?.socket.destroy();
    await held[0]?.closed;
    await until('the slot to be released', async () => (await h!.counter('sonde_syslog_connections', { transport: 'tcp' })) === 1);
    const again = await connect(port);
    again.socket.end('<13>1 - router app - - - back in\n');
    await h.waitFor(2);
    expect(h.events.map((e) => e.payload.message)).toContain('back in');
    held[1]?.socket.destroy();
  });
});
