import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { UdpSourceIsolation, type IsolatedSource } from './udp-source-isolation';

const bound = (address: string, options: dgram.SocketOptions = { type: 'udp4' }) =>
  new Promise<dgram.Socket>((resolve) => {
    const s = dgram.createSocket(options);
    s.bind({ address, port: 0, exclusive: true }, () => resolve(s));
  });
// a hang guard only: every datagram sent here fits the receive buffers
const until = async (ok: () => boolean, what = 'datagrams') => {
  for (let i = 0; !ok(); i++) {
    if (i > 2000) throw new Error(`waited 20 s for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/**
 * Another process sends `n` datagrams (`<tag><i>`) from 127.0.0.2:`fromPort` while this one is
 * blocked in execFileSync: nothing here reads, so they wait in a kernel queue.
 */
const sendFromChild = (fromPort: number, toPort: number, tag: string, n: number) =>
  execFileSync(process.execPath, ['-e', `const s = require('node:dgram').createSocket('udp4'); s.bind(${fromPort}, '127.0.0.2', () => { let k = 0; for (let i = 0; i < ${n}; i++) s.send('${tag}' + i, ${toPort}, '127.0.0.1', () => { if (++k === ${n}) s.close(); }); });`]);

// real loopback sockets: the point is what the Linux kernel does with a connected socket in a
// SO_REUSEPORT group (a source's datagrams go to it, every other source's to the shared one)
describe('UdpSourceIsolation', () => {
  let shared: dgram.Socket;
  let flood: dgram.Socket;
  let quiet: dgram.Socket;
  let isolation: UdpSourceIsolation;
  const got: { socket: 'shared' | 'own'; from: string }[] = [];
  /** every datagram's payload, in the order the handlers saw them */
  const order: string[] = [];
  const released: IsolatedSource[] = [];

  beforeEach(async () => {
    got.length = 0;
    order.length = 0;
    released.length = 0;
    shared = await bound('127.0.0.1', { type: 'udp4', reusePort: true, recvBufferSize: 1 << 20 });
    flood = await bound('127.0.0.2');
    quiet = await bound('127.0.0.3');
    shared.on('message', (m, r) => {
      got.push({ socket: 'shared', from: r.address });
      order.push(m.toString());
      isolation.sample(r.address, r.port);
    });
    isolation = new UdpSourceIsolation(
      { type: 'udp4', address: '127.0.0.1', port: shared.address().port, ipv6Only: false, recvBufferSize: 1 << 20 },
      // the watch is called by the test (the timer's interval is longer than any test)
      { maxSources: 1, releaseAfterMs: 1000, watchMs: 3_600_000 },
      (m, r, source) => {
        got.push({ socket: 'own', from: `${r.address}=${source.address}` });
        order.push(m.toString());
      },
      { onRelease: (s) => released.push(s) },
    );
  });

  afterEach(async () => {
    await isolation.close();
    for (const s of [shared, flood, quiet]) s.close();
  });

  const send = (from: dgram.Socket, n: number) => {
    for (let i = 0; i < n; i++) from.send('x', shared.address().port, '127.0.0.1');
  };

  it('an isolated source arrives on its own socket, the others stay on the shared one; released when under its rate', async () => {
    isolation.isolate('127.0.0.2', flood.address().port, 0);
    await until(() => isolation.isolated[0]?.socket !== undefined);
    send(flood, 5);
    send(quiet, 5);
    await until(() => got.length === 10);
    expect(got.filter((g) => g.socket === 'own')).toEqual(Array.from({ length: 5 }, () => ({ socket: 'own', from: '127.0.0.2=127.0.0.2' })));
    expect(got.filter((g) => g.socket === 'shared').map((g) => g.from)).toEqual(Array.from({ length: 5 }, () => '127.0.0.3'));
    // bounded: a second source is not isolated beyond maxSources
    isolation.isolate('127.0.0.3', quiet.address().port, 0);
    expect(isolation.isolated.map((s) => s.address)).toEqual(['127.0.0.2']);
    // still over its rate at 500 ms: kept; not over for releaseAfterMs: released, back on the shared socket
    const own = isolation.isolated[0];
    if (own) own.lastOverAt = 500;
    isolation.sweep(1000);
    expect(isolation.isolated).toHaveLength(1);
    isolation.sweep(1500);
    expect(isolation.isolated).toHaveLength(0);
    expect(released.map((s) => s.address)).toEqual(['127.0.0.2']);
    got.length = 0;
    send(flood, 3);
    await until(() => got.length === 3);
    expect(got.every((g) => g.socket === 'shared')).toBe(true);
  });

  it('keeps a source whose socket still holds datagrams: closing it would lose them uncounted', async () => {
    const port = flood.address().port;
    isolation.isolate('127.0.0.2', port, 0);
    await until(() => isolation.isolated[0]?.socket !== undefined);
    // another process sends from the isolated source's address and port while this one is
    // blocked in execFileSync: nothing reads the isolated socket, the 5 datagrams wait in its queue
    flood.close();
    sendFromChild(port, shared.address().port, 'x', 5);
    isolation.sweep(5000); // under its rate long enough, but its queue is not empty: kept
    expect(isolation.isolated).toHaveLength(1);
    await until(() => got.length === 5);
    expect(got.every((g) => g.socket === 'own')).toBe(true);
    isolation.sweep(10_000); // read, the queue is empty: released
    expect(isolation.isolated).toHaveLength(0);
    flood = await bound('127.0.0.2'); // afterEach closes it
  });

  it('a released socket is read empty before it closes: what it still held is handed on, not freed by the kernel', async () => {
    await isolation.close();
    // the look at its queue found it empty, and datagrams came in after (the race a close loses them in)
    isolation = new UdpSourceIsolation(
      { type: 'udp4', address: '127.0.0.1', port: shared.address().port, ipv6Only: false, recvBufferSize: 1 << 20 },
      { maxSources: 1, releaseAfterMs: 1000, watchMs: 3_600_000 },
      (_m, r, source) => got.push({ socket: 'own', from: `${r.address}=${source.address}` }),
      { onRelease: (s) => released.push(s), queuedBytes: () => 0 },
    );
    const port = flood.address().port;
    isolation.isolate('127.0.0.2', port, 0);
    await until(() => isolation.isolated[0]?.socket !== undefined);
    flood.close();
    sendFromChild(port, shared.address().port, 'x', 5);
    isolation.sweep(5000); // released with 5 datagrams in its queue: parked, read, then closed
    expect(isolation.isolated).toHaveLength(0);
    expect(released).toHaveLength(1);
    expect(isolation.parked).toBe(1);
    await until(() => got.length === 5 && isolation.parked === 0, 'the parked socket read empty and closed');
    expect(got.every((g) => g.socket === 'own')).toBe(true);
    flood = await bound('127.0.0.2'); // afterEach closes it
  });

  it("keeps an isolated source's order: what its own socket reads waits for its backlog on the shared socket", async () => {
    const port = flood.address().port;
    flood.close();
    const send = (tag: string, n: number) => sendFromChild(port, shared.address().port, tag, n);
    send('a', 200); // the backlog: queued on the shared socket
    // bind and connect complete in process ticks, before the loop reads the shared socket again
    isolation.isolate('127.0.0.2', port, 0);
    for (let i = 0; i < 1000 && isolation.isolated[0]?.socket === undefined; i++) await new Promise((r) => process.nextTick(r));
    expect(isolation.isolated[0]?.socket).toBeDefined();
    send('b', 200); // after the connect: queued on the source's own socket
    await until(() => order.length === 400);
    // libuv reads the two sockets in turn (32 datagrams each per loop iteration): without the hold, b0 comes after a31
    expect(got.filter((g) => g.socket === 'own')).toHaveLength(200);
    expect(order).toEqual([...Array.from({ length: 200 }, (_, i) => `a${i}`), ...Array.from({ length: 200 }, (_, i) => `b${i}`)]);
    expect(isolation.heldDatagrams).toBe(0);
    flood = await bound('127.0.0.2'); // afterEach closes it
  });

  it('watch: a reader behind on the shared socket isolates the top talker of the samples; one keeping up, nobody', async () => {
    // one datagram at a time: every loop iteration reads one, the reader keeps up
    for (let i = 0; i < 48; i++) {
      send(i % 4 === 0 ? quiet : flood, 1);
      await until(() => got.length === i + 1);
    }
    isolation.watch(0);
    expect(isolation.isolated).toHaveLength(0);
    // 160 at once: they wait in the kernel, iterations read full batches (libuv takes 32 per iteration)
    send(flood, 128);
    send(quiet, 32);
    await until(() => got.length === 48 + 160);
    await new Promise((r) => setImmediate(r));
    isolation.watch(0);
    expect(isolation.isolated.map((s) => s.address)).toEqual(['127.0.0.2']);
  });
});

describe('UdpSourceIsolation over IPv6', () => {
  it('a source on ::1 is isolated from a shared socket bound to :: (IPv6 only)', async () => {
    const shared = await bound('::', { type: 'udp6', reusePort: true, ipv6Only: true });
    const flood = await bound('::1', { type: 'udp6' });
    const got: string[] = [];
    shared.on('message', () => got.push('shared'));
    const isolation = new UdpSourceIsolation(
      { type: 'udp6', address: '::', port: shared.address().port, ipv6Only: true, recvBufferSize: 1 << 20 },
      { maxSources: 1, releaseAfterMs: 1000 },
      () => got.push('own'),
    );
    try {
      isolation.isolate('::1', flood.address().port, 0);
      await until(() => isolation.isolated[0]?.socket !== undefined);
      for (let i = 0; i < 3; i++) flood.send('x', shared.address().port, '::1');
      await until(() => got.length === 3);
      expect(got).toEqual(['own', 'own', 'own']);
    } finally {
      await isolation.close();
      shared.close();
      flood.close();
    }
  });
});
