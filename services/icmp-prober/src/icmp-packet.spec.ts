import fc from 'fast-check';
import {
  PROBE_HEADER_BYTES,
  decodeIcmp4,
  decodeIcmp6,
  encodeEchoRequest,
  formatIpv6,
  internetChecksum,
  type IcmpMessage,
} from './icmp-packet';

/** An IPv4 header (no options) in front of `icmp`, as an AF_INET raw socket delivers it. */
function ipv4(source: number[], destination: number[], icmp: Buffer, protocol = 1): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + icmp.length, 2);
  h[8] = 64;
  h[9] = protocol;
  Buffer.from(source).copy(h, 12);
  Buffer.from(destination).copy(h, 16);
  h.writeUInt16BE(internetChecksum(h), 10);
  return Buffer.concat([h, icmp]);
}

/** Turns an echo request into the reply a host sends (RFC 792: type 0, same id/seq/data). */
function replyTo(request: Buffer, type = 0): Buffer {
  const r = Buffer.from(request);
  r[0] = type;
  r.writeUInt16BE(0, 2);
  r.writeUInt16BE(internetChecksum(r), 2);
  return r;
}

/** An ICMPv4 error quoting `original` (the full IPv4 datagram of the probe). */
function icmp4Error(type: number, code: number, original: Buffer, quoteBytes = 28): Buffer {
  const e = Buffer.concat([Buffer.from([type, code, 0, 0, 0, 0, 0, 0]), original.subarray(0, quoteBytes)]);
  e.writeUInt16BE(internetChecksum(e), 2);
  return e;
}

const request = (family: 4 | 6, identifier: number, sequence: number, token = 7, payloadBytes = 56) =>
  encodeEchoRequest({ family, identifier, sequence, token, sentAt: 1_700_000_000_000.5, payloadBytes });

describe('ICMP packet codec', () => {
  it('encodes a valid echo request with our stamp (RFC 792 checksum verifies to 0)', () => {
    const req = request(4, 0x1234, 0xabcd, 99);
    expect(req.length).toBe(8 + 56);
    expect(req[0]).toBe(8);
    expect(internetChecksum(req)).toBe(0);
    expect(req.readUInt16BE(4)).toBe(0x1234);
    expect(req.readUInt16BE(6)).toBe(0xabcd);
  });

  it('decodes an IPv4 echo reply with its stamp', () => {
    const msg = decodeIcmp4(ipv4([127, 0, 0, 5], [127, 0, 0, 1], replyTo(request(4, 42, 7, 1234))));
    expect(msg).toEqual({
      kind: 'echo-reply', family: 4, source: '127.0.0.5', identifier: 42, sequence: 7,
      stamp: { token: 1234, sentAt: 1_700_000_000_000.5 },
    });
  });

  it('decodes an ICMPv6 echo reply', () => {
    const req = request(6, 1, 2, 3);
    const msg = decodeIcmp6(replyTo(req, 129), '::1');
    expect(msg).toMatchObject({ kind: 'echo-reply', family: 6, source: '::1', identifier: 1, sequence: 2, stamp: { token: 3 } });
  });

  it('attributes a destination unreachable to the quoted probe (id, seq, destination)', () => {
    const probe = ipv4([10, 0, 0, 1], [10, 9, 9, 9], request(4, 500, 600));
    const msg = decodeIcmp4(ipv4([10, 0, 0, 254], [10, 0, 0, 1], icmp4Error(3, 1, probe)));
    expect(msg).toEqual({
      kind: 'error', family: 4, source: '10.0.0.254', error: 'unreachable:1', type: 3, code: 1,
      quoted: { destination: '10.9.9.9', identifier: 500, sequence: 600 },
    });
  });

  it('names TTL exceeded and keeps other time-exceeded codes apart', () => {
    const probe = ipv4([10, 0, 0, 1], [10, 9, 9, 9], request(4, 1, 1));
    expect(decodeIcmp4(ipv4([10, 0, 0, 254], [10, 0, 0, 1], icmp4Error(11, 0, probe)))).toMatchObject({ error: 'ttl-exceeded' });
    expect(decodeIcmp4(ipv4([10, 0, 0, 254], [10, 0, 0, 1], icmp4Error(11, 1, probe)))).toMatchObject({ error: 'time-exceeded:1' });
  });

  it('decodes an ICMPv6 destination unreachable quoting our echo request', () => {
    const ip6 = Buffer.alloc(40);
    ip6[0] = 0x60;
    ip6[6] = 58;
    ip6[7] = 64;
    Buffer.from('20010db8000000000000000000000001', 'hex').copy(ip6, 8);
    Buffer.from('20010db8000000000000000000000099', 'hex').copy(ip6, 24);
    const err = Buffer.concat([Buffer.from([1, 3, 0, 0, 0, 0, 0, 0]), ip6, request(6, 77, 88)]);
    expect(decodeIcmp6(err, 'fe80::1')).toEqual({
      kind: 'error', family: 6, source: 'fe80::1', error: 'unreachable6:3', type: 1, code: 3,
      quoted: { destination: '2001:db8::99', identifier: 77, sequence: 88 },
    });
  });

  it('treats errors about non-echo traffic as not ours', () => {
    const udp = ipv4([10, 0, 0, 1], [10, 9, 9, 9], Buffer.alloc(8), 17);
    expect(decodeIcmp4(ipv4([10, 0, 0, 254], [10, 0, 0, 1], icmp4Error(3, 3, udp))).kind).toBe('other');
  });

  it('reports a bad checksum and truncation as malformed', () => {
    const good = ipv4([127, 0, 0, 5], [127, 0, 0, 1], replyTo(request(4, 1, 1)));
    const bad = Buffer.from(good);
    bad[30] ^= 0xff;
    expect(decodeIcmp4(bad)).toMatchObject({ kind: 'malformed', reason: 'ICMP checksum mismatch' });
    expect(decodeIcmp4(good.subarray(0, 24))).toMatchObject({ kind: 'malformed' });
    expect(decodeIcmp6(Buffer.alloc(3), '::1')).toMatchObject({ kind: 'malformed' });
  });

  it('formats IPv6 addresses as RFC 5952 does', () => {
    const cases: [string, string][] = [
      ['00000000000000000000000000000001', '::1'],
      ['20010db8000000000000000000000001', '2001:db8::1'],
      ['20010db8000000010000000000000001', '2001:db8:0:1::1'],
      ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
      ['fe800000000000000000000000000000', 'fe80::'],
      ['20010db8aaaabbbbccccddddeeeeffff', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff'],
      ['20010db8000100000001000100010001', '2001:db8:1:0:1:1:1:1'],
    ];
    for (const [hex, text] of cases) expect(formatIpv6(Buffer.from(hex, 'hex'), 0)).toBe(text);
  });

  it('agrees with the WHATWG IPv6 serializer on any address', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.boolean(), (bytes, sparse) => {
        const b = Buffer.from(bytes);
        if (sparse) for (let i = 0; i < 16; i++) if (b[i]! % 3 !== 0) b[i] = 0;
        const groups: string[] = [];
        for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
        const whatwg = new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
        expect(formatIpv6(b, 0)).toBe(whatwg);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any identifier, sequence, token and size through a reply', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: PROBE_HEADER_BYTES, max: 1400 }),
        (identifier, sequence, token, payloadBytes) => {
          const req = request(4, identifier, sequence, token, payloadBytes);
          expect(internetChecksum(req)).toBe(0);
          const msg = decodeIcmp4(ipv4([127, 0, 0, 2], [127, 0, 0, 1], replyTo(req)));
          expect(msg).toMatchObject({ kind: 'echo-reply', identifier, sequence, stamp: { token } });
        },
      ),
    );
  });

  it('never throws on arbitrary bytes, for either family', () => {
    const ok = (m: IcmpMessage) => expect(['echo-reply', 'error', 'other', 'malformed']).toContain(m.kind);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        ok(decodeIcmp4(bytes));
        ok(decodeIcmp6(bytes, '::1'));
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws on mutated real packets (header fields intact enough to go deep)', () => {
    const probe = ipv4([10, 0, 0, 1], [10, 9, 9, 9], request(4, 500, 600));
    const seeds = [
      ipv4([127, 0, 0, 5], [127, 0, 0, 1], replyTo(request(4, 42, 7))),
      ipv4([10, 0, 0, 254], [10, 0, 0, 1], icmp4Error(3, 1, probe)),
      ipv4([10, 0, 0, 254], [10, 0, 0, 1], icmp4Error(11, 0, probe, 8)),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        (seed, edits, cut) => {
          const b = Buffer.from(seed);
          for (const [at, value] of edits) b[at % b.length] = value;
          const m = decodeIcmp4(b.subarray(0, cut % (b.length + 1)));
          expect(typeof m.kind).toBe('string');
          const m6 = decodeIcmp6(b.subarray(20), 'fe80::1');
          expect(typeof m6.kind).toBe('string');
        },
      ),
      { numRuns: 5000 },
    );
  });
});
