/**
 * CityHash128 as ClickHouse uses it: Google's CityHash **v1.0.2** (ClickHouse vendors it as
 * `CityHash_v1_0_2` because later CityHash releases changed the output), the checksum of every
 * compressed block on its wire (`CompressedReadBufferBase::validateChecksum`).
 *
 * Written here by hand because no maintained npm package computes it: the registry's CityHash
 * packages are CityHash64 only, or later CityHash versions whose 128-bit output differs. It
 * follows the C++ function for function (and go-faster/city's `CH128`, the one clickhouse-go
 * and ch-go use); city-hash128.spec.ts checks it against go-faster/city's ClickHouse vectors and
 * the int-spec against clickhouse-go itself. 64-bit words are BigInts wrapped with asUintN.
 */
export interface U128 {
  /** First 64 bits (`first` in C++, written first, little-endian, on the wire). */
  low: bigint;
  high: bigint;
}

const M64 = (1n << 64n) - 1n;
const k0 = 0xc3a5c85c97cb3127n;
const k1 = 0xb492b66fbe98f273n;
const k2 = 0x9ae16a3b2f90404fn;
const k3 = 0xc949d7c7509e6557n;
const KMUL = 0x9ddfea08eb382d69n;

const mul = (a: bigint, b: bigint): bigint => (a * b) & M64;
const add = (a: bigint, b: bigint): bigint => (a + b) & M64;
const rot = (v: bigint, s: bigint): bigint => (s === 0n ? v : ((v >> s) | (v << (64n - s))) & M64);
const shiftMix = (v: bigint): bigint => v ^ (v >> 47n);

/** Hash128to64: Murmur-inspired mixing of two words. */
function hash16(u: bigint, v: bigint): bigint {
  let a = mul(u ^ v, KMUL);
  a ^= a >> 47n;
  let b = mul(v ^ a, KMUL);
  b ^= b >> 47n;
  return mul(b, KMUL);
}

class Bytes {
  private readonly view: DataView;
  constructor(readonly b: Uint8Array) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  u64(i: number): bigint {
    return this.view.getBigUint64(i, true);
  }
  u32(i: number): bigint {
    return BigInt(this.view.getUint32(i, true));
  }
}

/** HashLen0to16 of v1.0.2 (k3 in the 1..3-byte branch; v1.1 changed it). */
function hashLen0to16(s: Bytes, off: number, len: number): bigint {
  if (len > 8) {
    const a = s.u64(off);
    const b = s.u64(off + len - 8);
    return hash16(a, rot(add(b, BigInt(len)), BigInt(len))) ^ b;
  }
  if (len >= 4) {
    const a = s.u32(off);
    return hash16(add(BigInt(len), a << 3n), s.u32(off + len - 4));
  }
  if (len > 0) {
    const a = BigInt(s.b[off] ?? 0);
    const b = BigInt(s.b[off + (len >> 1)] ?? 0);
    const c = BigInt(s.b[off + len - 1] ?? 0);
    const y = a + (b << 8n);
    const z = BigInt(len) + (c << 2n);
    return mul(shiftMix(mul(y, k2) ^ mul(z, k3)), k2);
  }
  return k2;
}

/** WeakHashLen32WithSeeds over s[off..off+32). */
function weakHash32(s: Bytes, off: number, a0: bigint, b0: bigint): [bigint, bigint] {
  const w = s.u64(off);
  const x = s.u64(off + 8);
  const y = s.u64(off + 16);
  const z = s.u64(off + 24);
  let a = add(a0, w);
  let b = rot(add(add(b0, a), z), 21n);
  const c = a;
  a = add(add(a, x), y);
  b = add(b, rot(a, 44n));
  return [add(a, z), add(b, c)];
}

/** CityMurmur: inputs shorter than 128 bytes. */
function cityMurmur(s: Bytes, off: number, len: number, seed: U128): U128 {
  let a = seed.low;
  let b = seed.high;
  let c: bigint;
  let d: bigint;
  let l = len - 16;
  if (l <= 0) {
    a = mul(shiftMix(mul(a, k1)), k1);
    c = add(mul(b, k1), hashLen0to16(s, off, len));
    d = shiftMix(add(a, len >= 8 ? s.u64(off) : c));
  } else {
    c = hash16(add(s.u64(off + len - 8), k1), a);
    d = hash16(add(b, BigInt(len)), add(c, s.u64(off + len - 16)));
    a = add(a, d);
    let p = off;
    do {
      a ^= mul(shiftMix(mul(s.u64(p), k1)), k1);
      a = mul(a, k1);
      b ^= a;
      c ^= mul(shiftMix(mul(s.u64(p + 8), k1)), k1);
      c = mul(c, k1);
      d ^= c;
      p += 16;
      l -= 16;
    } while (l > 0);
  }
  a = hash16(a, c);
  b = hash16(d, b);
  return { low: a ^ b, high: hash16(b, a) };
}

function cityHash128WithSeed(s: Bytes, off: number, len: number, seed: U128): U128 {
  if (len < 128) return cityMurmur(s, off, len, seed);
  const end = off + len;
  let x = seed.low;
  let y = seed.high;
  let z = mul(BigInt(len), k1);
  let v0 = add(mul(rot(y ^ k1, 49n), k1), s.u64(off));
  let v1 = add(mul(rot(v0, 42n), k1), s.u64(off + 8));
  let w0 = add(mul(rot(add(y, z), 35n), k1), x);
  let w1 = mul(rot(add(x, s.u64(off + 88)), 53n), k1);
  let p = off;
  let left = len;
  // the unrolled loop of the C++: two 64-byte rounds per iteration
  do {
    for (let round = 0; round < 2; round++) {
      x = mul(rot(add(add(add(x, y), v0), s.u64(p + 16)), 37n), k1);
      y = mul(rot(add(add(y, v1), s.u64(p + 48)), 42n), k1);
      x ^= w1;
      y ^= v0;
      z = rot(z ^ w0, 33n);
      [v0, v1] = weakHash32(s, p, mul(v1, k1), add(x, w0));
      [w0, w1] = weakHash32(s, p + 32, add(z, w1), y);
      [z, x] = [x, z];
      p += 64;
    }
    left -= 128;
  } while (left >= 128);
  y = add(y, add(mul(rot(w0, 37n), k0), z));
  x = add(x, mul(rot(add(v0, z), 49n), k0));
  // the last 0..127 bytes, 32 at a time from the end
  for (let done = 0; done < left; ) {
    done += 32;
    y = add(mul(rot((y - x) & M64, 42n), k0), v1);
    w0 = add(w0, s.u64(end - done + 16));
    x = add(mul(rot(x, 49n), k0), w0);
    w0 = add(w0, v0);
    [v0, v1] = weakHash32(s, end - done, v0, v1);
  }
  x = hash16(x, v0);
  y = hash16(y, w0);
  return { low: add(hash16(add(x, v1), w1), y), high: hash16(add(x, w1), add(y, v1)) };
}

/** CityHash_v1_0_2::CityHash128 of the bytes. */
export function cityHash128(bytes: Uint8Array): U128 {
  const s = new Bytes(bytes);
  const len = bytes.length;
  if (len >= 16) return cityHash128WithSeed(s, 16, len - 16, { low: s.u64(0) ^ k3, high: s.u64(8) });
  if (len >= 8) {
    const l = BigInt(len);
    return cityHash128WithSeed(s, 0, 0, { low: s.u64(0) ^ mul(l, k0), high: s.u64(len - 8) ^ k1 });
  }
  return cityHash128WithSeed(s, 0, len, { low: k0, high: k1 });
}
