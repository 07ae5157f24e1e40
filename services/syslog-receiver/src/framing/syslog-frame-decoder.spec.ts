import fc from 'fast-check';
import { SyslogFrameDecoder, type SyslogFrame } from './syslog-frame-decoder';

/** Splits `stream` at the given cut points (any positions, in any order). */
function chunked(stream: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, stream.length]) {
    out.push(stream.subarray(prev, p));
    prev = p;
  }
  return out;
}

function decode(chunks: Buffer[], max: number): { frames: SyslogFrame[]; decoder: SyslogFrameDecoder } {
  const decoder = new SyslogFrameDecoder(max);
  const frames: SyslogFrame[] = [];
  for (const c of chunks) decoder.push(c, frames);
  decoder.end(frames);
  return { frames, decoder };
}

const syslogMessage = fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.concat([Buffer.from('<13>'), Buffer.from(b)]));
const lineMessage = syslogMessage.map((b) => Buffer.from(b.filter((c) => c !== 10 && c !== 13)));

describe('SyslogFrameDecoder', () => {
  it('octet-counting: any chunking yields the same messages (RFC 6587 §3.4.1)', () => {
    fc.assert(
      fc.property(fc.array(syslogMessage, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 40 }), (messages, cuts) => {
        const stream = Buffer.concat(messages.map((m) => Buffer.concat([Buffer.from(`${m.length} `), m])));
        const { frames, decoder } = decode(chunked(stream, cuts), 1 << 20);
        expect(frames.map((f) => f.bytes)).toEqual(messages);
        expect(frames.every((f) => !f.truncated)).toBe(true);
        expect(decoder.framingErrors).toBe(0);
        if (messages.length) expect(decoder.framing).toBe('octet-counting');
      }),
      { numRuns: 500 },
    );
  });

  it('non-transparent: any chunking yields the same messages, LF or CRLF (RFC 6587 §3.4.2)', () => {
    fc.assert(
      fc.property(fc.array(lineMessage, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 40 }), fc.boolean(), (messages, cuts, crlf) => {
        const stream = Buffer.concat(messages.map((m) => Buffer.concat([m, Buffer.from(crlf ? '\r\n' : '\n')])));
        const { frames, decoder } = decode(chunked(stream, cuts), 1 << 20);
        expect(frames.map((f) => f.bytes)).toEqual(messages);
        if (messages.length) expect(decoder.framing).toBe('non-transparent');
      }),
      { numRuns: 500 },
    );
  });

  it('truncates oversize messages to maxMessageBytes, flags them, and keeps the stream in sync', () => {
    fc.assert(
      fc.property(
        fc.array(syslogMessage, { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.integer({ min: 1, max: 100 }),
        fc.boolean(),
        (messages, cuts, max, octet) => {
          const msgs = octet ? messages : messages.map((m) => Buffer.from(m.filter((c) => c !== 10 && c !== 13)));
          const stream = Buffer.concat(msgs.map((m) => (octet ? Buffer.concat([Buffer.from(`${m.length} `), m]) : Buffer.concat([m, Buffer.from('\n')]))));
          const { frames } = decode(chunked(stream, cuts), max);
          expect(frames.map((f) => f.bytes)).toEqual(msgs.map((m) => m.subarray(0, max)));
          expect(frames.map((f) => f.truncated)).toEqual(msgs.map((m) => m.length > max));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary bytes and never keeps more than maxMessageBytes per message', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }), fc.integer({ min: 1, max: 64 }), (chunks, max) => {
        const { frames } = decode(chunks.map((c) => Buffer.from(c)), max);
        for (const f of frames) expect(f.bytes.length).toBeLessThanOrEqual(max);
      }),
      { numRuns: 1000 },
    );
  });

  it('counts a bad MSG-LEN and resynchronises at the next LF', () => {
    const { frames, decoder } = decode([Buffer.from('5 <13>a12x garbage\n7 <13>abc')], 100);
    expect(frames.map((f) => f.bytes.toString())).toEqual(['<13>a', '<13>abc']);
    expect(decoder.framingErrors).toBe(1);
  });

  it('delivers a message cut by the end of the stream, flagged truncated', () => {
    expect(decode([Buffer.from('10 <13>ab')], 100).frames).toEqual([{ bytes: Buffer.from('<13>ab'), truncated: true }]);
    expect(decode([Buffer.from('<13>no newline at the end')], 100).frames).toEqual([
      { bytes: Buffer.from('<13>no newline at the end'), truncated: false },
    ]);
  });
});
