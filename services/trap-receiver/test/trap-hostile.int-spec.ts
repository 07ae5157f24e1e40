import { createSocket } from 'node:dgram';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { loadOidDictionary } from '@sonde/snmp/mib/mib-loader';
import { buildTrapReceiver } from '../src/build-trap-receiver';
import { decodeMessage } from '@sonde/snmp/ber/snmp-message';
import { trapReceiverConfigSchema } from '../src/trap-receiver.config';
import { EventPublisher } from '@sonde/collector/event-publisher';
import { TrapSockets } from '../src/trap-sockets';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { netSnmp } from './trap-peers';

// Replay, engine-ID flood, hostile bytes and storms, on packets captured from Debian's snmptrap.
// The receiver's clock is injected: "after the window" is a clock step, not a sleep.
const { dictionary } = loadOidDictionary();
const ENGINE = '8000000001020304';
const user = { name: 'ops', engineIds: [ENGINE], authProtocol: 'sha256' as const, authPassword: 'authpass-123', privProtocol: 'aes' as const, privPassword: 'privpass-456' };

async function capture(pre: string[], post: string[]): Promise<Buffer> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const got = new Promise<Buffer>((r) => s.once('message', (b) => r(b)));
  const res = await netSnmp('snmptrap', [...pre, `127.0.0.1:${s.address().port}`, ...post]);
  expect(res.code).toBe(0);
  const buf = await got;
  s.close();
  return buf;
}

function setup(rateLimit?: Record<string, number>) {
  let now = 1_000_000;
  const clock = { now: () => now };
  const registry = new Registry();
  const config = trapReceiverConfigSchema.parse(rateLimit ? { rateLimit } : {});
  const parts = buildTrapReceiver({
    config, communities: ['public'], users: [user], dictionary, registry, clock,
    origin: { site: 'lab', collector: 't' }, resolveDevice: (address) => ({ id: address, address }),
  });
  const dropped = async (reason: string) => (await parts.metrics.droppedTotal.get()).values.filter((v) => v.labels.detail === reason).reduce((n, v) => n + v.value, 0);
  const total = async (c: { get(): Promise<{ values: Array<{ value: number }> }> }) => (await c.get()).values.reduce((n, v) => n + v.value, 0);
  return { parts, advance: (ms: number) => void (now += ms), dropped, total };
}

const from = { address: '127.0.0.1', port: 40000 };
let v3: Buffer;
let v2c: Buffer;

beforeAll(async () => {
  v3 = await capture(['-v', '3', '-u', 'ops', '-l', 'authPriv', '-a', 'SHA-256', '-A', 'authpass-123', '-x', 'AES', '-X', 'privpass-456', '-e', `0x${ENGINE}`], ['100', '1.3.6.1.6.3.1.1.5.3']);
  v2c = await capture(['-v', '2c', '-c', 'public'], '100 1.3.6.1.6.3.1.1.5.3 1.3.6.1.2.1.2.2.1.8.3 i 2'.split(' '));
});

describe('v3 replay protection (RFC 3414 §3.2 step 7b)', () => {
  it('accepts a captured authPriv trap, rejects the same bytes after the 150 s window', async () => {
    const { parts, advance, dropped } = setup();
    expect(parts.receiver.handle(v3, from).event?.payload.security.level).toBe('authPriv');
    advance(100_000);
    expect(parts.receiver.handle(v3, from).event).toBeDefined(); // still inside the window
    advance(100_000);
    expect(parts.receiver.handle(v3, from)).toEqual({});
    expect(await dropped('not-in-time-window')).toBe(1);
  });

  it('10 000 random engine IDs for a real user: no key localized, all counted', async () => {
    const { parts, dropped } = setup();
    const m = decodeMessage(v3);
    if (m.version !== 3) throw new Error('expected v3');
    const at = v3.indexOf(m.engineId);
    const keysBefore = parts.usm.keyCount;
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 10_000; i++) {
      const forged = Buffer.from(v3);
      forged.writeUInt32BE(i, at + m.engineId.length - 4);
      parts.receiver.handle(forged, { address: `10.0.${i >> 8}.${i & 255}`, port: 1 });
    }
    expect(parts.usm.keyCount).toBe(keysBefore);
    expect(parts.usm.trackedEngines).toBe(0);
    expect(await dropped('unknown-engine-id')).toBe(10_000);
    // no per-engine state: the heap does not grow with the flood (generous bound for GC noise)
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('a wrong key is counted as wrong-digest', async () => {
    const { parts, dropped } = setup();
    const forged = Buffer.from(v3);
    const m = decodeMessage(v3);
    if (m.version !== 3) throw new Error('expected v3');
    forged[m.authParamsOffset] = (forged[m.authParamsOffset] ?? 0) ^ 0xff;
    expect(parts.receiver.handle(forged, from)).toEqual({});
    expect(await dropped('wrong-digest')).toBe(1);
  });
});

describe('hostile input', () => {
  it('every truncation of a real trap is counted, none crashes', async () => {
    const { parts, total } = setup();
    for (let n = 0; n < v2c.length; n++) expect(parts.receiver.handle(v2c.subarray(0, n), from)).toEqual({});
    expect(await total(parts.metrics.droppedTotal)).toBe(v2c.length);
  });

  it('wrong lengths, deep nesting, huge OIDs and wrong communities are dropped by reason', async () => {
    const { parts, dropped } = setup();
    const longer = Buffer.from(v2c);
    longer[1] = (longer[1] ?? 0) + 5;
    parts.receiver.handle(longer, from);
    parts.receiver.handle(Buffer.concat([Buffer.alloc(20_000, 0x30), Buffer.from([0x84, 0xff, 0xff, 0xff, 0xff])]), from);
    const arcs = Buffer.alloc(300, 0x01);
    const oid = Buffer.concat([Buffer.from([0x06, 0x82, 0x01, 0x2c]), arcs]);
    const vb = Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x32]), oid, Buffer.from([0x05, 0x00])]);
    const vbl = Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x36]), vb]);
    const pdu = Buffer.concat([Buffer.from([0xa7, 0x82, 0x01, 0x43, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]), vbl]);
    const msg = Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x52, 0x02, 0x01, 0x01, 0x04, 0x06]), Buffer.from('public'), pdu]);
    parts.receiver.handle(msg, from);
    parts.receiver.handle(Buffer.from(v2c.toString('latin1').replace('public', 'publix'), 'latin1'), from);
    expect(await dropped('bad-length')).toBe(1); // outer length claims more than the datagram
    expect(await dropped('bad-tag')).toBe(1); // 20 000 nested SEQUENCEs: msgVersion is not an INTEGER
    expect(await dropped('oid-too-long')).toBe(1);
    expect(await dropped('unknown-community')).toBe(1);
  });

  it('fast-check: 100 000 random and mutated datagrams — each counted once, never thrown', async () => {
    const { parts, total } = setup({ perSourcePerSecond: 1e9, perSourceBurst: 1e9, globalPerSecond: 1e9, globalBurst: 1e9 });
    const seeds = [v2c, v3];
    const mutated = fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat()).map(([seed, flips, cut]) => {
      const b = Buffer.from(seed);
      for (const [i, v] of flips) b[i % b.length] = v;
      return b.subarray(0, cut % (b.length + 1));
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)), mutated), (buf) => {
        parts.receiver.handle(buf, from);
      }),
      { numRuns: 100_000 },
    );
    const received = await total(parts.metrics.receivedTotal);
    expect(received).toBe(100_000);
    expect((await total(parts.metrics.parsedTotal)) + (await total(parts.metrics.droppedTotal))).toBe(received);
  });
});

describe('storm protection', () => {
  it('one source at 10× its bucket: the other sources all get through', async () => {
    const { parts, dropped } = setup({ perSourcePerSecond: 10, perSourceBurst: 100, globalPerSecond: 1000, globalBurst: 2000 });
    let others = 0;
    for (let i = 0; i < 1000; i++) {
      parts.receiver.handle(v2c, { address: '10.0.0.66', port: 1 });
      if (i % 20 === 0) {
        if (parts.receiver.handle(v2c, { address: '10.0.0.1', port: 1 }).event) others++;
        if (parts.receiver.handle(v2c, { address: '10.0.0.2', port: 1 }).event) others++;
      }
    }
    expect(others).toBe(100);
    expect(await dropped('source-rate')).toBe(900);
    expect(parts.rateLimit.summary()).toEqual([{ source: '10.0.0.66', received: 1000, dropped: 900 }]);
  });

  it('over real sockets: 127.0.0.66 floods at 10× its burst, 127.0.0.2 and .3 all arrive', async () => {
    const { parts, dropped } = setup({ perSourcePerSecond: 10, perSourceBurst: 100, globalPerSecond: 1e6, globalBurst: 1e6 });
    const events: SondeEvent[] = [];
    const bus = { publish: async (e: readonly SondeEvent[]) => void events.push(...e), subscribe: async () => { throw new Error('unused'); }, health: async () => ({ ok: true, detail: '', pending: 0 }), close: async () => {} };
    const sockets = new TrapSockets(parts.receiver, new EventPublisher(bus, parts.metrics, { maxEvents: 500, maxWaitMs: 0, maxPendingEvents: 100_000 }, { warn: () => undefined }));
    const [bound] = await sockets.start([{ address: '127.0.0.1', port: 0 }]);
    const sender = async (address: string) => {
      const s = createSocket('udp4');
      await new Promise<void>((r) => s.bind(0, address, () => r()));
      return s;
    };
    const flood = await sender('127.0.0.66');
    const quiet = [await sender('127.0.0.2'), await sender('127.0.0.3')];
    for (let i = 0; i < 1000; i++) {
      flood.send(v2c, bound?.port ?? 0, '127.0.0.1');
      if (i % 20 === 0) for (const q of quiet) q.send(v2c, bound?.port ?? 0, '127.0.0.1');
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5)); // paced: the test is the limiter, not the kernel buffer
    }
    const bySource = (a: string) => events.filter((e) => e.device.address === a).length;
    for (let i = 0; i < 500 && (bySource('127.0.0.2') < 50 || bySource('127.0.0.3') < 50 || (await dropped('source-rate')) < 900); i++) await new Promise((r) => setTimeout(r, 10));
    expect([bySource('127.0.0.2'), bySource('127.0.0.3'), bySource('127.0.0.66')]).toEqual([50, 50, 100]);
    expect(await dropped('source-rate')).toBe(900);
    for (const s of [flood, ...quiet]) s.close();
    await sockets.close();
  });
});
