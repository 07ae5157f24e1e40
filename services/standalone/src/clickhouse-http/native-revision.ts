import { parseType, tupleElementType } from './native-type';

/** Protocol revision from which a Native column header carries the "custom serialization" flag. */
export const DBMS_MIN_REVISION_WITH_CUSTOM_SERIALIZATION = 54454;

/**
 * BlockInfo as a server writes it before each Native block for a client that sent
 * `client_protocol_version` > 0: field 1 is_overflows = false, field 2 bucket_num = -1, end (0).
 */
const BLOCK_INFO = Buffer.from([0x01, 0x00, 0x02, 0xff, 0xff, 0xff, 0xff, 0x00]);

/** Fixed byte widths of the types whose values are one fixed-size field each. */
const FIXED: Record<string, number> = {
  Int8: 1, UInt8: 1, Bool: 1, Enum8: 1,
  Int16: 2, UInt16: 2, Enum16: 2, Date: 2, BFloat16: 2,
  Int32: 4, UInt32: 4, Float32: 4, Date32: 4, DateTime: 4, IPv4: 4, Decimal32: 4, Time: 4,
  Int64: 8, UInt64: 8, Float64: 8, DateTime64: 8, Decimal64: 8, Time64: 8,
  Int128: 16, UInt128: 16, UUID: 16, IPv6: 16, Decimal128: 16,
  Int256: 32, UInt256: 32, Decimal256: 32,
};

export class NativeFormatError extends Error {}

/** Reads a revision-0 Native stream; every size check throws NativeFormatError instead of reading past the end. */
class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new NativeFormatError(`Native data ends at byte ${this.buf.length}, needed ${this.pos + n}`);
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  varUInt(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      this.need(1);
      const b = this.buf[this.pos++] ?? 0;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new NativeFormatError('VarUInt longer than 10 bytes');
    }
  }

  uint64(): number {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new NativeFormatError(`UInt64 ${v} too large for a size`);
    return Number(v);
  }

  string(): string {
    const n = this.varUInt();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

function fixedWidth(name: string, args: string[]): number | undefined {
  if (name === 'Decimal') {
    const p = Number(args[0]);
    return p <= 9 ? 4 : p <= 18 ? 8 : p <= 38 ? 16 : 32;
  }
  if (name.startsWith('Interval')) return 8;
  return FIXED[name];
}

/**
 * The serialization state prefix of a column (written once, before its data, when it has rows):
 * LowCardinality writes its keys version (UInt64); containers hold their elements' prefixes.
 */
function skipStatePrefix(r: Reader, type: string): void {
  const { name, args } = parseType(type);
  if (name === 'LowCardinality') r.skip(8);
  else if (name === 'Array' || name === 'Nullable' || name === 'SimpleAggregateFunction') {
    skipStatePrefix(r, name === 'SimpleAggregateFunction' ? (args[1] ?? '') : (args[0] ?? ''));
  } else if (name === 'Map') {
    skipStatePrefix(r, args[0] ?? '');
    skipStatePrefix(r, args[1] ?? '');
  } else if (name === 'Tuple') for (const a of args) skipStatePrefix(r, tupleElementType(a));
}

/** Skips the data of `rows` values of `type` (default serialization, revision 0). */
function skipData(r: Reader, type: string, rows: number): void {
  const { name, args } = parseType(type);
  const width = fixedWidth(name, args);
  if (width !== undefined) return r.skip(width * rows);
  switch (name) {
    case 'String':
      for (let i = 0; i < rows; i++) r.skip(r.varUInt());
      return;
    case 'FixedString':
      return r.skip(Number(args[0]) * rows);
    case 'Nothing':
      return r.skip(rows);
    case 'Nullable':
      r.skip(rows);
      return skipData(r, args[0] ?? '', rows);
    case 'SimpleAggregateFunction':
      return skipData(r, args[1] ?? '', rows);
    case 'Array':
    case 'Map': {
      let total = 0;
      for (let i = 0; i < rows; i++) total = r.uint64();
      if (name === 'Array') return skipData(r, args[0] ?? '', total);
      skipData(r, args[0] ?? '', total);
      return skipData(r, args[1] ?? '', total);
    }
    case 'Tuple':
      for (const a of args) skipData(r, tupleElementType(a), rows);
      return;
    case 'Point':
      return r.skip(16 * rows);
    case 'LowCardinality':
      return skipLowCardinality(r, args[0] ?? '', rows);
    default:
      throw new NativeFormatError(`type ${type} is not supported in Native with client_protocol_version by this server; use another format`);
  }
}

/**
 * LowCardinality data: chunks of (UInt64 flags, [UInt64 keys + dictionary], UInt64 count + indexes)
 * until `rows` indexes were read. The flags' low byte is the index width (0..3 → 1, 2, 4, 8 bytes);
 * bit 9 says a dictionary follows. A LowCardinality(Nullable(T)) dictionary is plain T.
 */
function skipLowCardinality(r: Reader, inner: string, rows: number): void {
  const dictType = parseType(inner).name === 'Nullable' ? (parseType(inner).args[0] ?? '') : inner;
  let seen = 0;
  while (seen < rows) {
    const flags = r.uint64();
    const hasAdditionalKeys = (flags & (1 << 9)) !== 0;
    if (hasAdditionalKeys) skipData(r, dictType, r.uint64());
    const count = r.uint64();
    r.skip(count * 2 ** (flags & 0xff));
    seen += count;
    if (count === 0 && !hasAdditionalKeys) throw new NativeFormatError('LowCardinality chunk without indexes');
  }
}

/**
 * Rewrites chDB's Native output (written for protocol revision 0, as a server answers a plain
 * HTTP client) into what a server sends a client that passed `client_protocol_version`:
 * BlockInfo before every block and, from revision 54454, a "no custom serialization" byte after
 * each column's type. clickhouse-go sends that parameter and decodes with the revision it got
 * from `SELECT revision()`; chDB has no client revision to set, so the server does this here.
 */
export function nativeForRevision(data: Uint8Array, revision: number): Buffer {
  const input = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (revision <= 0) return input;
  const r = new Reader(input);
  const out: Buffer[] = [];
  while (!r.done) {
    out.push(BLOCK_INFO);
    const headerStart = r.pos;
    const columns = r.varUInt();
    const rows = r.varUInt();
    out.push(input.subarray(headerStart, r.pos));
    for (let c = 0; c < columns; c++) {
      const start = r.pos;
      r.string();
      const type = r.string();
      out.push(input.subarray(start, r.pos));
      if (revision >= DBMS_MIN_REVISION_WITH_CUSTOM_SERIALIZATION) out.push(Buffer.from([0]));
      const dataStart = r.pos;
      if (rows > 0) {
        skipStatePrefix(r, type);
        skipData(r, type, rows);
      }
      out.push(input.subarray(dataStart, r.pos));
    }
  }
  return Buffer.concat(out);
}
