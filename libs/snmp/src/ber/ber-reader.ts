import { malformed } from './snmp-wire-error';

/** RFC 2578 §3.5: at most 128 sub-identifiers, each < 2^32. */
export const MAX_OID_ARCS = 128;

/**
 * A bounds-checked BER (X.690) reader over one datagram, for the fixed shapes of SNMP messages.
 * Definite lengths only (SNMP forbids the indefinite form, RFC 3417 §8); every length is checked
 * against the enclosing TLV, so a truncated or lying packet fails with a named reason instead
 * of reading past the buffer. Constructed values are entered explicitly, never recursed into, so
 * deep nesting costs nothing.
 */
export class BerReader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
    public end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  peekTag(): number {
    if (this.pos >= this.end) throw malformed('truncated', 'truncated: expected a tag');
    return this.buf[this.pos] ?? 0;
  }

  /** Reads tag and length; returns the value's [start, end). */
  readHeader(expectedTag?: number, what = 'value'): { tag: number; start: number; end: number } {
    if (this.pos >= this.end) throw malformed('truncated', `truncated: expected ${what}`);
    const tag = this.buf[this.pos++] ?? 0;
    if ((tag & 0x1f) === 0x1f) throw malformed('bad-tag', `unsupported multi-byte tag in ${what}`);
    if (expectedTag !== undefined && tag !== expectedTag) {
      throw malformed('bad-tag', `${what}: expected tag 0x${expectedTag.toString(16)}, got 0x${tag.toString(16)}`);
    }
    if (this.pos >= this.end) throw malformed('truncated', `truncated length of ${what}`);
    let len = this.buf[this.pos++] ?? 0;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0) throw malformed('bad-length', `indefinite length in ${what}`);
      if (n > 4) throw malformed('bad-length', `length of ${what} uses ${n} octets`);
      if (this.pos + n > this.end) throw malformed('truncated', `truncated length of ${what}`);
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + (this.buf[this.pos++] ?? 0);
    }
    const start = this.pos;
    const end = start + len;
    if (end > this.end) throw malformed('bad-length', `${what} claims ${len} bytes, ${this.end - start} left`);
    this.pos = end;
    return { tag, start, end };
  }

  /** Enters a constructed value: returns a reader over its contents. */
  enter(expectedTag: number, what: string): BerReader {
    const h = this.readHeader(expectedTag, what);
    return new BerReader(this.buf, h.start, h.end);
  }

  readInteger(what: string, tag = 0x02): number {
    const h = this.readHeader(tag, what);
    return decodeInt32(this.buf, h.start, h.end, what);
  }

  readOctets(what: string, tag = 0x04): Buffer {
    const h = this.readHeader(tag, what);
    return this.buf.subarray(h.start, h.end);
  }

  readOid(what: string): string {
    const h = this.readHeader(0x06, what);
    return decodeOid(this.buf, h.start, h.end, what);
  }
}

export function decodeInt32(buf: Buffer, start: number, end: number, what: string): number {
  const len = end - start;
  if (len < 1 || len > 5) throw malformed('bad-integer', `${what}: integer of ${len} bytes`);
  const first = buf[start] ?? 0;
  // a 5th byte is only the 0x00 that keeps an unsigned 32-bit value positive
  if (len === 5 && first !== 0) throw malformed('bad-integer', `${what}: integer out of range`);
  let u = 0;
  for (let i = start; i < end; i++) u = u * 256 + (buf[i] ?? 0);
  if (first & 0x80) u -= 2 ** (8 * len);
  return u;
}

/** Unsigned up to 64 bits (Counter64), as bigint. */
export function decodeUnsigned64(buf: Buffer, start: number, end: number, what: string): bigint {
  const len = end - start;
  if (len < 1 || len > 9) throw malformed('bad-integer', `${what}: unsigned of ${len} bytes`);
  let v = 0n;
  for (let i = start; i < end; i++) v = (v << 8n) | BigInt(buf[i] ?? 0);
  return v & 0xffffffffffffffffn;
}

export function decodeOid(buf: Buffer, start: number, end: number, what: string): string {
  if (end <= start) throw malformed('bad-oid', `${what}: empty OID`);
  // the dotted string is built directly: an arcs array plus join() was most of the decode time
  let out = '';
  let arcs = 0;
  let v = 0;
  let bytes = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i] ?? 0;
    v = v * 128 + (b & 0x7f);
    if (++bytes > 5 || v > 0xffffffff) throw malformed('bad-oid', `${what}: sub-identifier too large`);
    if (!(b & 0x80)) {
      if (arcs === 0) {
        out = v < 40 ? `0.${v}` : v < 80 ? `1.${v - 40}` : `2.${v - 80}`;
        arcs = 2;
      } else {
        out += `.${v}`;
        if (++arcs > MAX_OID_ARCS) throw malformed('oid-too-long', `${what}: more than ${MAX_OID_ARCS} sub-identifiers`);
      }
      v = 0;
      bytes = 0;
    }
  }
  if (bytes !== 0) throw malformed('bad-oid', `${what}: truncated sub-identifier`);
  return out;
}
