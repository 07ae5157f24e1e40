import type { Row } from '../event-store';
import type { ColumnSpec } from '../schema/event-tables';

/**
 * Rows as one block of ClickHouse's Native format, the engine's own columnar layout: no text to
 * parse, no type to infer. Into chDB with the rollup views, a Native file inserts 4-6x the rows/s
 * of the same rows as JSONCompactEachRow (bench/store/format-bench.ts, RESULTS.md), and neither
 * @clickhouse/client nor chdb encodes it, so it is written here: it is the store's hot path.
 *
 * Layout (ClickHouse src/Formats/NativeWriter.cpp, protocol revision 0 as in a Native file): the
 * column and row counts as varints, then per column its name, its type and its values, column
 * after column. LowCardinality(T) travels as T: the reader converts it to the table's type
 * (input_format_native_allow_types_conversion, on by default), so the dictionary encoding is the
 * engine's work, as with any text format.
 *
 * The encoding follows the JSON formats' reading of a row: a missing key or null in a column
 * that is not Nullable is the type's default (input_format_null_as_default). A value the JSON
 * path would have to parse or reject (a string in a number column, a fraction in an integer
 * one, a type not listed below) makes encodeNativeBlock return undefined, and the store sends
 * that batch as JSON instead: the same rows, the same errors as before this encoder existed.
 */
export function encodeNativeBlock(columns: readonly ColumnSpec[], rows: readonly Row[]): Buffer | undefined {
  const encoders: { name: string; encoder: ColumnEncoder }[] = [];
  for (const { name, type } of columns) {
    const encoder = encoderFor(type);
    if (!encoder) return undefined;
    encoders.push({ name, encoder });
  }
  const out = new BlockWriter(rows.length * 16 * Math.max(1, columns.length));
  out.varUInt(encoders.length);
  out.varUInt(rows.length);
  const values: unknown[] = new Array(rows.length);
  for (const { name, encoder } of encoders) {
    out.string(name);
    out.string(encoder.declared);
    columnReader(name)(rows, values);
    if (!encoder.write(out, values)) return undefined;
  }
  return out.done();
}

type ColumnReader = (rows: readonly Row[], into: unknown[]) => void;

const readers = new Map<string, ColumnReader>();

/**
 * One column's values of every row, read by a function compiled for that column's name: a
 * property read with a constant key stays monomorphic where `row[name]` with a variable key is a
 * generic lookup, and that lookup was a fifth of the encoding time (V8 profile of 50 000 rows).
 */
function columnReader(name: string): ColumnReader {
  let reader = readers.get(name);
  if (!reader) {
    // the name enters the source only as a JSON string literal
    reader = new Function('rows', 'into', `for (let i = 0; i < rows.length; i++) into[i] = rows[i][${JSON.stringify(name)}];`) as ColumnReader;
    readers.set(name, reader);
  }
  return reader;
}

/** Writes one column's values, all rows at once; false for a value it cannot encode. */
interface ColumnEncoder {
  /** The type named in the block (LowCardinality removed). */
  declared: string;
  write(out: BlockWriter, values: readonly unknown[]): boolean;
}

const cache = new Map<string, ColumnEncoder | undefined>();

function encoderFor(type: string): ColumnEncoder | undefined {
  if (!cache.has(type)) cache.set(type, parseType(type.trim()));
  return cache.get(type);
}

function parseType(type: string): ColumnEncoder | undefined {
  const call = /^(\w+)\((.*)\)$/s.exec(type);
  if (!call) return SIMPLE[type];
  const [, head, inner = ''] = call;
  const args = splitArguments(inner);
  switch (head) {
    case 'LowCardinality':
      return args.length === 1 ? encoderFor(args[0] as string) : undefined;
    case 'Nullable': {
      const nested = args.length === 1 ? encoderFor(args[0] as string) : undefined;
      return nested && nullable(nested);
    }
    case 'Array': {
      const nested = args.length === 1 ? encoderFor(args[0] as string) : undefined;
      return nested && array(nested);
    }
    case 'Map': {
      const key = args.length === 2 ? encoderFor(args[0] as string) : undefined;
      const value = args.length === 2 ? encoderFor(args[1] as string) : undefined;
      return key && value && map(key, value);
    }
    case 'DateTime64':
      // epoch milliseconds, as the rows carry them; another precision would need scaling
      return args[0] === '3' ? scalar(type, (out, v) => typeof v === 'number' && out.int64(v), 0) : undefined;
    default:
      return undefined;
  }
}

/** `A, Map(B, C), 'x,y'` → its top-level arguments. */
export function splitArguments(s: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === "'") quoted = false;
    } else if (c === "'") quoted = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      args.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(s.slice(start).trim());
  return args;
}

type Scalar = (out: BlockWriter, value: unknown) => boolean;

/**
 * A column of a fixed or string type: each value alone, the default for null and missing. A
 * value the same as the row before's (Object.is: -0 is not 0; an event's samples share its envelope; low-cardinality
 * columns repeat) copies that row's bytes instead of encoding it again.
 */
function scalar(declared: string, one: Scalar, fallback: unknown): ColumnEncoder {
  return {
    declared,
    write(out, values) {
      let last: unknown;
      let start = -1;
      let end = -1;
      for (let i = 0; i < values.length; i++) {
        const raw = values[i];
        const v = raw === undefined || raw === null ? fallback : raw;
        if (start >= 0 && Object.is(v, last)) {
          const n = end - start;
          out.ensure(n);
          out.buf.copyWithin(out.off, start, end);
          out.off += n;
          continue;
        }
        start = out.off;
        if (!one(out, v)) return false;
        end = out.off;
        last = v;
      }
      return true;
    },
  };
}

function integer(bytes: 1 | 2 | 4 | 8, signed: boolean): Scalar {
  const min = signed ? -(2 ** (bytes * 8 - 1)) : 0;
  const max = signed ? 2 ** (bytes * 8 - 1) - 1 : 2 ** (bytes * 8) - 1;
  return (out, v) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return false;
    if (bytes === 8) return out.int64(v);
    out.ensure(bytes);
    out.buf.writeUIntLE(v < 0 ? v + 2 ** (bytes * 8) : v, out.off, bytes);
    out.off += bytes;
    return true;
  };
}

function float(bytes: 4 | 8): Scalar {
  return (out, v) => {
    if (typeof v !== 'number') return false;
    out.ensure(bytes);
    if (bytes === 8) out.buf.writeDoubleLE(v, out.off);
    else out.buf.writeFloatLE(v, out.off);
    out.off += bytes;
    return true;
  };
}

const bool: Scalar = (out, v) => {
  if (typeof v !== 'boolean') return false;
  out.ensure(1);
  out.buf[out.off++] = v ? 1 : 0;
  return true;
};

const string: Scalar = (out, v) => (typeof v === 'string' ? (out.string(v), true) : false);

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID is a UInt128 of two UInt64 halves, each little-endian: both 8-byte halves reversed. */
const uuid: Scalar = (out, v) => {
  if (typeof v !== 'string' || v.length !== 36 || !UUID_TEXT.test(v)) return false;
  out.ensure(16);
  const b = out.buf;
  const o = out.off;
  // hex digit pairs of the text, skipping its dashes, into their reversed places
  let byte = 0;
  for (let i = 0; i < 36; i += 2) {
    if (i === 8 || i === 13 || i === 18 || i === 23) i++;
    b[o + (byte < 8 ? 7 - byte : 23 - byte)] = (HEX[v.charCodeAt(i)] as number) * 16 + (HEX[v.charCodeAt(i + 1)] as number);
    byte++;
  }
  out.off += 16;
  return true;
};

const HEX = new Uint8Array(128);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[65 + i] = HEX[97 + i] = 10 + i;

const SIMPLE: Record<string, ColumnEncoder | undefined> = {
  String: scalar('String', string, ''),
  UUID: scalar('UUID', uuid, '00000000-0000-0000-0000-000000000000'),
  Bool: scalar('Bool', bool, false),
  Float64: scalar('Float64', float(8), 0),
  Float32: scalar('Float32', float(4), 0),
  UInt8: scalar('UInt8', integer(1, false), 0),
  UInt16: scalar('UInt16', integer(2, false), 0),
  UInt32: scalar('UInt32', integer(4, false), 0),
  UInt64: scalar('UInt64', integer(8, false), 0),
  Int8: scalar('Int8', integer(1, true), 0),
  Int16: scalar('Int16', integer(2, true), 0),
  Int32: scalar('Int32', integer(4, true), 0),
  Int64: scalar('Int64', integer(8, true), 0),
};

/** The null map (1 = NULL) of every row, then the values, a NULL as the nested type's default. */
function nullable(nested: ColumnEncoder): ColumnEncoder {
  return {
    declared: `Nullable(${nested.declared})`,
    write(out, values) {
      out.ensure(values.length);
      for (const v of values) out.buf[out.off++] = v === undefined || v === null ? 1 : 0;
      return nested.write(out, values);
    },
  };
}

/** Cumulative end offsets (UInt64) of every row's elements, then all elements as one column. */
function array(nested: ColumnEncoder): ColumnEncoder {
  return {
    declared: `Array(${nested.declared})`,
    write(out, values) {
      const flat: unknown[] = [];
      for (const v of values) {
        if (v !== undefined && v !== null) {
          if (!Array.isArray(v)) return false;
          for (const x of v) flat.push(x);
        }
        out.int64(flat.length);
      }
      return nested.write(out, flat);
    },
  };
}

/** A Map is an Array(Tuple(K, V)): the offsets, then every key, then every value. */
function map(key: ColumnEncoder, value: ColumnEncoder): ColumnEncoder {
  return {
    declared: `Map(${key.declared}, ${value.declared})`,
    write(out, values) {
      const keys: unknown[] = [];
      const items: unknown[] = [];
      for (const v of values) {
        if (v !== undefined && v !== null) {
          if (typeof v !== 'object' || Array.isArray(v)) return false;
          for (const k in v) {
            keys.push(k);
            items.push((v as Record<string, unknown>)[k]);
          }
        }
        out.int64(keys.length);
      }
      return key.write(out, keys) && value.write(out, items);
    },
  };
}

/** A growing byte buffer with the few primitives the Native layout needs. */
class BlockWriter {
  buf: Buffer;
  off = 0;

  constructor(initial: number) {
    this.buf = Buffer.allocUnsafe(Math.max(1024, initial));
  }

  ensure(n: number): void {
    if (this.off + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + n));
    this.buf.copy(grown, 0, 0, this.off);
    this.buf = grown;
  }

  each(values: readonly unknown[], one: (v: unknown) => boolean): boolean {
    for (let i = 0; i < values.length; i++) if (!one(values[i])) return false;
    return true;
  }

  varUInt(n: number): void {
    this.ensure(10);
    while (n >= 0x80) {
      this.buf[this.off++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.off++] = n;
  }

  /** Little-endian two's complement of a safe integer (false for any other number). */
  int64(n: number): boolean {
    if (!Number.isSafeInteger(n)) return false;
    this.ensure(8);
    if (n >= 0) {
      this.buf.writeUInt32LE(n % 0x1_0000_0000, this.off);
      this.buf.writeUInt32LE(Math.floor(n / 0x1_0000_0000), this.off + 4);
    } else this.buf.writeBigInt64LE(BigInt(n), this.off);
    this.off += 8;
    return true;
  }

  /**
   * The UTF-8 byte length as a varint, then the bytes. Short ASCII text is copied here byte by
   * byte (a Buffer.write per value costs more than the copy); anything else goes through it.
   */
  string(s: string): void {
    const len = s.length;
    if (len < 128) {
      this.ensure(1 + len * 3);
      const b = this.buf;
      const o = this.off;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[o + 1 + i] = c;
      }
      if (i === len) {
        b[o] = len;
        this.off = o + 1 + len;
        return;
      }
      if (len < 43) {
        // at most 3 bytes per UTF-16 unit: the length fits one varint byte, written after the text
        const n = b.write(s, o + 1, 'utf8');
        b[o] = n;
        this.off = o + 1 + n;
        return;
      }
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.varUInt(n);
    this.ensure(n);
    this.off += this.buf.write(s, this.off, 'utf8');
  }

  done(): Buffer {
    return this.buf.subarray(0, this.off);
  }
}
