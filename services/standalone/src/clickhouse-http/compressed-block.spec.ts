import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { cityHash128 } from './city-hash128';
import { ClickHouseHttpError } from './clickhouse-http-error';
import { readCompressedBlocks, writeCompressedBlocks, type BlockMethod } from './compressed-block';

// ch-go v0.75.0 compress/_golden (what clickhouse-go writes): "Hello!\n" x 25, framed with LZ4, ZSTD and none.
const golden = (name: string): Buffer => readFileSync(path.join(__dirname, '../../test/data/compressed-block', `ch-go-data_${name}.raw`));
const RAW = golden('raw');
const METHODS: BlockMethod[] = ['LZ4', 'ZSTD', 'NONE'];
const LIMIT = 64 << 20;

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof ClickHouseHttpError) return err.codeName;
    throw err;
  }
  return 'no error';
}

describe('readCompressedBlocks / writeCompressedBlocks', () => {
  it.each(['compressed_lz4', 'compressed_zstd', 'compressed_none'])("reads ch-go's %s golden block", (name) => {
    expect(readCompressedBlocks(golden(name), LIMIT)).toEqual(RAW);
  });

  it("writes the uncompressed frame byte for byte as ch-go does (same header, same CityHash128)", () => {
    expect(writeCompressedBlocks(RAW, 'NONE')).toEqual(golden('compressed_none'));
  });

  it('frames in 1 MiB blocks and reads any number of them back, for every method', () => {
    const big = Buffer.alloc((1 << 20) * 2 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) % 251;
    for (const method of METHODS) {
      const framed = writeCompressedBlocks(big, method, method === 'ZSTD' ? 3 : undefined);
      expect(framed.readUInt32LE(16 + 5)).toBe(1 << 20);
      expect(readCompressedBlocks(framed, LIMIT)).toEqual(big);
    }
    expect(writeCompressedBlocks(Buffer.alloc(0), 'LZ4')).toHaveLength(0);
  });

  it('round-trips any bytes with any method', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.constantFrom(...METHODS), (bytes, method) => {
        expect(readCompressedBlocks(writeCompressedBlocks(bytes, method), LIMIT)).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('answers a flipped byte anywhere in a block with a ClickHouse error, never a crash or wrong data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2048 }), fc.constantFrom(...METHODS), fc.nat(), fc.integer({ min: 1, max: 255 }), (bytes, method, pos, delta) => {
        const framed = writeCompressedBlocks(bytes, method);
        const at = pos % framed.length;
        framed[at] = ((framed[at] ?? 0) + delta) & 0xff;
        const code = codeOf(() => readCompressedBlocks(framed, LIMIT));
        // a checksum byte or anything it covers: mismatch; the sizes may first fail their own checks
        expect(['CHECKSUM_DOESNT_MATCH', 'CANNOT_READ_ALL_DATA', 'CORRUPTED_DATA', 'TOO_LARGE_SIZE_COMPRESSED', 'UNKNOWN_CODEC']).toContain(code);
        if (at < 16 || at >= 25) expect(code).toBe('CHECKSUM_DOESNT_MATCH');
      }),
    );
  });

  it('answers any bytes that are not blocks, and blocks followed by garbage, with a ClickHouse error only', () => {
    const good = writeCompressedBlocks(RAW, 'LZ4');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.boolean(), (garbage, afterGood) => {
        const body = afterGood ? Buffer.concat([good, garbage]) : Buffer.from(garbage);
        expect(codeOf(() => readCompressedBlocks(body, LIMIT))).not.toBe('no error');
      }),
    );
  });

  it('answers truncated streams, lying sizes and garbage with a ClickHouse error', () => {
    const framed = writeCompressedBlocks(RAW, 'LZ4');
    expect(codeOf(() => readCompressedBlocks(framed.subarray(0, 10), LIMIT))).toBe('CANNOT_READ_ALL_DATA');
    expect(codeOf(() => readCompressedBlocks(framed.subarray(0, framed.length - 1), LIMIT))).toBe('CANNOT_READ_ALL_DATA');
    const huge = Buffer.from(framed);
    huge.writeUInt32LE(0x7fffffff, 17);
    expect(codeOf(() => readCompressedBlocks(huge, LIMIT))).toBe('TOO_LARGE_SIZE_COMPRESSED');
    const tiny = Buffer.from(framed);
    tiny.writeUInt32LE(3, 17);
    expect(codeOf(() => readCompressedBlocks(tiny, LIMIT))).toBe('CORRUPTED_DATA');
    const method = Buffer.from(framed);
    method[16] = 0x42;
    expect(codeOf(() => readCompressedBlocks(method, LIMIT))).toBe('UNKNOWN_CODEC');
    expect(codeOf(() => readCompressedBlocks(framed, RAW.length - 1))).toBe('TOO_LARGE_STRING_SIZE');
    const err = (() => {
      const bad = Buffer.from(framed);
      bad[0] = (bad[0] ?? 0) ^ 1;
      try {
        readCompressedBlocks(bad, LIMIT);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ClickHouseHttpError);
    expect((err as ClickHouseHttpError).serverCode).toBe(40);
    expect((err as ClickHouseHttpError).message).toMatch(/^Checksum doesn't match: corrupted data\. Reference: [0-9a-f]{32}\. Actual: [0-9a-f]{32}\. Size of compressed block: \d+$/);
  });

  it('answers a payload that lies about its uncompressed size (checksum recomputed) with CANNOT_DECOMPRESS', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 1024 }), fc.constantFrom<BlockMethod>('LZ4', 'ZSTD'), fc.integer({ min: -1000, max: 1000 }).filter((d) => d !== 0), (bytes, method, delta) => {
        const framed = writeCompressedBlocks(bytes, method);
        const size = Math.max(0, bytes.length + delta);
        if (size === bytes.length) return;
        framed.writeUInt32LE(size, 21);
        // re-sign the block so only the size is wrong
        const sum = cityHash128(framed.subarray(16));
        framed.writeBigUInt64LE(sum.low, 0);
        framed.writeBigUInt64LE(sum.high, 8);
        expect(codeOf(() => readCompressedBlocks(framed, LIMIT))).toBe('CANNOT_DECOMPRESS');
      }),
      { numRuns: 200 },
    );
  });
});
