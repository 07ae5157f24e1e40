import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { makePki, runLogger, startRsyslog, type TestPki } from './syslog-peers';
import { SyslogHarness } from './syslog-harness';

// Real peers: util-linux logger, Debian rsyslogd (scripts/peers.sh install syslog); real
// MemoryEventBus. SONDE_TEST_SERVICES=none.

describe('syslog-receiver with util-linux logger', () => {
  let h: SyslogHarness;
  beforeAll(async () => {
    h = await SyslogHarness.start({ udp: { hosts: ['127.0.0.1', '::1'] } });
  });
  afterAll(() => h.stop());
  beforeEach(() => (h.events.length = 0));

  it('UDP, RFC 3164: facility/severity, tag, pid, device from the inventory', async () => {
    runLogger(['--udp', '--server', '127.0.0.1', '--port', String(h.listening.udp[0]), '--rfc3164', '-t', 'sonde-test', '-i', '-p', 'local3.warning', 'disk almost full']);
    const [e] = await h.waitFor(1);
    expect(e?.device).toEqual({ id: 'router-1', name: 'Router 1', address: '127.0.0.1' });
    expect(e?.payload).toMatchObject({
      facility: 19, severity: 4, format: 'rfc3164', appName: 'sonde-test', message: 'disk almost full', transport: 'udp', timeSource: 'message', truncated: false,
      source: { address: '127.0.0.1' },
    });
    expect(e?.payload.procId).toMatch(/^\d+$/);
    expect(Math.abs((e?.ts ?? 0) - Date.now())).toBeLessThan(60_000);
  });

  it('UDP over IPv6, RFC 5424 with structured data and MSGID', async () => {
    runLogger(['--udp', '--server', '::1', '--port', String(h.listening.udp[1]), '--rfc5424', '--msgid', 'ID47', '--sd-id', 'zoo@32473', '--sd-param', 'tiger="hungry \\"very\\""', '-t', 'app', '-p', 'user.err', 'hello 5424']);
    const [e] = await h.waitFor(1);
    expect(e?.device).toEqual({ id: '::1', address: '::1' });
    expect(e?.payload).toMatchObject({ facility: 1, severity: 3, format: 'rfc5424', appName: 'app', msgId: 'ID47', message: 'hello 5424', source: { address: '::1' } });
    expect(e?.payload.structuredData['zoo@32473']).toEqual({ tiger: 'hungry "very"' });
    // logger adds its own timeQuality SD element (RFC 5424 §7.1)
    expect(e?.payload.structuredData.timeQuality).toBeDefined();
  });

  it.each([
    ['RFC 3164, LF-terminated', ['--rfc3164']],
    ['RFC 3164, octet-counted', ['--rfc3164', '--octet-count']],
    ['RFC 5424, LF-terminated', ['--rfc5424']],
    ['RFC 5424, octet-counted', ['--rfc5424', '--octet-count']],
  ])('TCP, %s', async (_name, args) => {
    runLogger(['--tcp', '--server', '127.0.0.1', '--port', String(h.listening.tcp[0]?.port), ...args, '-t', 'tcptest', 'over tcp']);
    const [e] = await h.waitFor(1);
    expect(e?.payload).toMatchObject({ appName: 'tcptest', message: 'over tcp', transport: 'tcp', format: args[0] === '--rfc3164' ? 'rfc3164' : 'rfc5424' });
  });

  it('counts every message: received = parsed = published', async () => {
    const received = await h.counter('sonde_syslog_received_total');
    const parsed = await h.counter('sonde_syslog_parsed_total');
    expect(received).toBeGreaterThanOrEqual(6);
    expect(parsed).toBe(received);
    expect(await h.counter('sonde_syslog_published_total')).toBe(received);
    expect(await h.counter('sonde_syslog_dropped_total')).toBe(0);
  });
});

describe('syslog-receiver behind Debian rsyslog (omfwd)', () => {
  let pki: TestPki;
  let h: SyslogHarness;
  beforeAll(async () => {
    pki = makePki();
    h = await SyslogHarness.start({
      tls: { enabled: true, certFile: pki.serverCert, keyFile: pki.serverKey, caFile: pki.ca, requireClientCert: true },
    });
  });
  afterAll(() => h.stop());
  beforeEach(() => (h.events.length = 0));

  it('TCP, RFC 6587 octet-counted framing, RFC 5424 format', async () => {
    const rs = await startRsyslog(
      (dir) => `
global(parser.escapeControlCharactersOnReceive="off")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="${dir}/log.sock")
action(type="omfwd" target="127.0.0.1" port="${h.listening.tcp[0]?.port}" protocol="tcp" TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")`,
    );
    try {
      for (let i = 0; i < 50; i++) runLogger(['-u', `${rs.dir}/log.sock`, '-t', 'viarsyslog', '-p', 'local0.notice', `forwarded ${i}\nwith an embedded newline`]);
      const events = await h.waitFor(50);
      // rsyslog's %msg% keeps the space after the RFC 3164 TAG's colon; the LF survives because
      // octet-counting (unlike LF framing) is transparent to it
      expect(events.map((e) => e.payload.message)).toEqual(Array.from({ length: 50 }, (_, i) => ` forwarded ${i}\nwith an embedded newline`));
      expect(events[0]?.payload).toMatchObject({ facility: 16, severity: 5, format: 'rfc5424', appName: 'viarsyslog', transport: 'tcp' });
    } finally {
      await rs.stop();
    }
  });

  it('TLS (RFC 5425) with x509 client certificate (rsyslog gtls driver)', async () => {
    const rs = await startRsyslog(
      (dir) => `
global(DefaultNetstreamDriverCAFile="${pki.ca}" DefaultNetstreamDriverCertFile="${pki.clientCert}" DefaultNetstreamDriverKeyFile="${pki.clientKey}")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="${dir}/log.sock")
action(type="omfwd" target="127.0.0.1" port="${h.listening.tls[0]?.port}" protocol="tcp" TCP_Framing="octet-counted"
       StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="localhost"
       template="RSYSLOG_SyslogProtocol23Format")`,
    );
    try {
      runLogger(['-u', `${rs.dir}/log.sock`, '-t', 'tlstest', 'over tls']);
      const [e] = await h.waitFor(1);
      expect(e?.payload).toMatchObject({ appName: 'tlstest', message: ' over tls', transport: 'tls', format: 'rfc5424' });
    } finally {
      await rs.stop();
    }
  });

  it('TLS without a client certificate is refused and counted in the log', async () => {
    const socket = tls.connect({ host: '127.0.0.1', port: h.listening.tls[0]?.port ?? 0, ca: [readFileSync(pki.ca)], servername: 'localhost' });
    const outcome = await new Promise<string>((resolve) => {
      socket.on('secureConnect', () => socket.write('<13>1 - - - - - - sneaky\n'));
      socket.on('error', (err) => resolve(`error: ${err.message}`));
      socket.on('close', () => resolve('closed'));
    });
    expect(outcome).toMatch(/error|closed/);
    // The server logs the refused handshake on its side of the close: wait for it (bounded),
    // under load it can come after the client saw the close.
    for (let i = 0; i < 100 && !h.warnings.some((w) => w.fields.reason === 'tls_handshake'); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(h.events).toEqual([]);
    expect(h.warnings.some((w) => w.fields.reason === 'tls_handshake')).toBe(true);
  });
});

describe('syslog-receiver delivery guarantees', () => {
  it('TCP backpressure: a stalled bus pauses the socket, and every message read is published', async () => {
    const h = await SyslogHarness.start({ rateLimit: { messagesPerSecond: 0 } }, { queueCapacity: 100, publishTimeoutMs: 100 });
    try {
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      const collect = h.handler;
      h.handler = async (batch) => {
        await released;
        await collect(batch);
      };
      const n = 5000;
      const client = net.connect(h.listening.tcp[0]?.port ?? 0, '127.0.0.1');
      await new Promise((r) => client.once('connect', r));
      for (let i = 0; i < n; i++) {
        const msg = `<13>1 - client app - - - message ${i}`;
        client.write(`${Buffer.byteLength(msg)} ${msg}`);
      }
      client.end();
      // the bus holds 100 + one batch in the handler: the receiver must be paused, not dropping
      const until = Date.now() + 20_000;
      while ((await h.counter('sonde_syslog_paused_connections')) < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(await h.counter('sonde_syslog_paused_connections')).toBe(1);
      release();
      const events = await h.waitFor(n, 60_000);
      expect(events.map((e) => e.payload.message)).toEqual(Array.from({ length: n }, (_, i) => `message ${i}`));
      expect(await h.counter('sonde_syslog_dropped_total')).toBe(0);
      expect(await h.counter('sonde_syslog_published_total')).toBe(n);
    } finally {
      await h.stop();
    }
  });

  it('UDP rate limit per source: drops counted, one warning per source per interval', async () => {
    const h = await SyslogHarness.start({ rateLimit: { messagesPerSecond: 1, burst: 10 } });
    try {
      const socket = dgram.createSocket('udp4');
      for (let i = 0; i < 50; i++) {
        await new Promise<void>((r) => socket.send(`<13>Nov 25 10:00:00 h app: ${i}`, h.listening.udp[0] ?? 0, '127.0.0.1', () => r()));
      }
      socket.close();
      const until = Date.now() + 10_000;
      while ((await h.counter('sonde_syslog_received_total')) < 50 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      await h.waitFor(10);
      const published = await h.counter('sonde_syslog_published_total');
      const dropped = await h.counter('sonde_syslog_dropped_total', { reason: 'rate-limit', stage: 'receive' });
      expect(await h.counter('sonde_syslog_received_total')).toBe(50);
      expect(published + dropped).toBe(50);
      expect(dropped).toBeGreaterThanOrEqual(38);
      expect(h.warnings.filter((w) => w.fields.reason === 'rate-limit')).toHaveLength(1);
    } finally {
      await h.stop();
    }
  });

  it('oversize messages are truncated to maxMessageBytes and flagged, on UDP and TCP', async () => {
    const h = await SyslogHarness.start({ maxMessageBytes: 600 });
    try {
      const long = `<13>1 - host app - - - ${'é'.repeat(1000)}`;
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((r) => socket.send(long, h.listening.udp[0] ?? 0, '127.0.0.1', () => r()));
      socket.close();
      const client = net.connect(h.listening.tcp[0]?.port ?? 0, '127.0.0.1');
      client.end(`${Buffer.byteLength(long)} ${long}5 <13>x`);
      const events = await h.waitFor(3);
      const [a, b] = events.filter((e) => e.payload.truncated);
      for (const e of [a, b]) {
        expect(e?.payload.fields.invalidUtf8).toBeUndefined(); // cut on a character boundary
        expect(Buffer.byteLength(`<13>1 - host app - - - ${e?.payload.message}`)).toBeLessThanOrEqual(600);
      }
      expect(events.find((e) => !e.payload.truncated)?.payload.message).toBe('x');
      expect(await h.counter('sonde_syslog_truncated_total')).toBe(2);
    } finally {
      await h.stop();
    }
  });
});
