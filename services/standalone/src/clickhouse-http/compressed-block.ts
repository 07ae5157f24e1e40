import { zstdCompressSync, zstdDecompressSync, constants as zlib } from 'node:zlib';
import { compressSync as lz4CompressPrepended, uncompressSync as lz4UncompressPrepended } from 'lz4-napi';
import { cityHash128 } from './city-hash128';
import { ClickHouseHttpError } from './clickhouse-http-error';

/**
 * ClickHouse's compressed-block framing (`compress=1` answers, `decompress=1` request bodies,
 * the native protocol's data packets): per block
 *
 *     16 B  CityHash128 v1.0.2 of everything after it (method byte … payload), low word first
 *      1 B  method: 0x82 LZ4, 0x90 ZSTD, 0x02 none
 *      4 B  compressed size, little-endian, including this 9-byte header
 *      4 B  uncompressed size, little-endian
 *      …    payload
 *
 * (ClickHouse CompressedReadBufferBase / CompressedWriteBuffer; ch-go's compress package, which
 * clickhouse-go uses, reads and writes the same.) LZ4 is lz4-napi (lz4_flex, Rust): its
 * `compressSync` prepends the uncompressed size as 4 LE bytes to a raw LZ4 block, which is
 * stripped here; ZSTD is Node's own zlib (libzstd).
 */
export type BlockMethod = 'LZ4' | 'ZSTD' | 'NONE';

const METHOD_BYTE: Record<BlockMethod, number> = { NONE: 0x02, LZ4: 0x82, ZSTD: 0x90 };
const KNOWN_METHODS: ReadonlySet<number> = new Set(Object.values(METHOD_BYTE));
const CHECKSUM = 16;
const HEADER = 9;
/** What ClickHouse writes per block (DBMS_DEFAULT_BUFFER_SIZE, 1 MiB). */
const BLOCK_BYTES = 1 << 20;
/** ClickHouse's DBMS_MAX_COMPRESSED_SIZE (1 GiB); sizes past it are corruption, not data. */
const MAX_COMPRESSED = 0x40000000;

const hex = (v: bigint): string => v.toString(16).padStart(16, '0');

/** Frames `data` in blocks of at most 1 MiB, each compressed with `method`. */
export function writeCompressedBlocks(data: Uint8Array, method: BlockMethod, zstdLevel?: number): Buffer {
  const blocks: Buffer[] = [];
  // an empty answer is no block at all, as ClickHouse writes it
  for (let at = 0; at < data.length; at += BLOCK_BYTES) {
    blocks.push(compressBlock(data.subarray(at, at + BLOCK_BYTES), method, zstdLevel));
  }
  return Buffer.concat(blocks);
}

function compressBlock(chunk: Uint8Array, method: BlockMethod, zstdLevel?: number): Buffer {
  const input = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const payload =
    method === 'LZ4'
      ? lz4CompressPrepended(input).subarray(4)
      : method === 'ZSTD'
        ? zstdCompressSync(input, zstdLevel === undefined ? {} : { params: { [zlib.ZSTD_c_compressionLevel]: zstdLevel } })
        : input;
  const block = Buffer.allocUnsafe(CHECKSUM + HEADER + payload.length);
  block[CHECKSUM] = METHOD_BYTE[method];
  block.writeUInt32LE(HEADER + payload.length, CHECKSUM + 1);
  block.writeUInt32LE(chunk.length, CHECKSUM + 5);
  payload.copy(block, CHECKSUM + HEADER);
  const sum = cityHash128(block.subarray(CHECKSUM));
  block.writeBigUInt64LE(sum.low, 0);
  block.writeBigUInt64LE(sum.high, 8);
  return block;
}

/**
 * Reads a whole stream of compressed blocks back into the bytes they carry. Anything wrong —
 * a short block, sizes past the body or past `maxBytes`, a checksum mismatch, an unknown
 * method, a payload that does not decompress to its stated size — is a ClickHouseHttpError
 * with the code and words ClickHouse uses for it, never another exception.
 */
export function readCompressedBlocks(body: Uint8Array, maxBytes: number): Buffer {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const out: Buffer[] = [];
  let total = 0;
  let at = 0;
  while (at < buf.length) {
    if (buf.length - at < CHECKSUM + HEADER) {
      throw new ClickHouseHttpError(33, 'CANNOT_READ_ALL_DATA', `Cannot read all data: a compressed block header needs ${CHECKSUM + HEADER} bytes, ${buf.length - at} left at offset ${at}`);
    }
    const method = buf[at + CHECKSUM] ?? 0;
    if (!KNOWN_METHODS.has(method)) {
      // ClickHouse looks the codec up before it reads the block (CompressionCodecFactory::get)
      throw new ClickHouseHttpError(432, 'UNKNOWN_CODEC', `Unknown codec family code: 0x${method.toString(16).padStart(2, '0')} (compressed block at offset ${at})`);
    }
    const compressed = buf.readUInt32LE(at + CHECKSUM + 1);
    const size = buf.readUInt32LE(at + CHECKSUM + 5);
    if (compressed > MAX_COMPRESSED) {
      throw new ClickHouseHttpError(39, 'TOO_LARGE_SIZE_COMPRESSED', `Too large size_compressed_without_checksum: ${compressed}. Most likely corrupted data`);
    }
    if (compressed < HEADER) {
      throw new ClickHouseHttpError(246, 'CORRUPTED_DATA', `Can't decompress data: the compressed data size (${compressed}, this should include header size) is less than the header size (${HEADER})`);
    }
    const end = at + CHECKSUM + compressed;
    if (end > buf.length) {
      throw new ClickHouseHttpError(33, 'CANNOT_READ_ALL_DATA', `Cannot read all data: the compressed block at offset ${at} claims ${compressed} bytes, ${buf.length - at - CHECKSUM} left`);
    }
    const framed = buf.subarray(at + CHECKSUM, end);
    const expected = { low: buf.readBigUInt64LE(at), high: buf.readBigUInt64LE(at + 8) };
    const actual = cityHash128(framed);
    if (actual.low !== expected.low || actual.high !== expected.high) {
      throw new ClickHouseHttpError(
        40,
        'CHECKSUM_DOESNT_MATCH',
        `Checksum doesn't match: corrupted data. Reference: ${hex(expected.low)}${hex(expected.high)}. Actual: ${hex(actual.low)}${hex(actual.high)}. Size of compressed block: ${compressed}`,
      );
    }
    total += size;
    if (total > maxBytes) {
      throw new ClickHouseHttpError(131, 'TOO_LARGE_STRING_SIZE', `Decompressed request body exceeds clickhouseHttp.maxBodyBytes (${maxBytes})`);
    }
    out.push(decompressPayload(method, framed.subarray(HEADER), size, at));
    at = end;
  }
  return Buffer.concat(out, total);
}

function decompressPayload(method: number, payload: Buffer, size: number, offset: number): Buffer {
  let data: Buffer;
  try {
    if (method === METHOD_BYTE.NONE) data = payload;
    else if (method === METHOD_BYTE.LZ4) {
      // lz4_flex reads the size it allocates from a 4-byte prefix: the header's, already bounded
      const prefixed = Buffer.allocUnsafe(4 + payload.length);
      prefixed.writeUInt32LE(size, 0);
      payload.copy(prefixed, 4);
      data = lz4UncompressPrepended(prefixed);
    } else data = zstdDecompressSync(payload, { maxOutputLength: Math.max(size, 1) });
  } catch (err) {
    throw new ClickHouseHttpError(271, 'CANNOT_DECOMPRESS', `Cannot decompress the block at offset ${offset}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (data.length !== size) {
    throw new ClickHouseHttpError(271, 'CANNOT_DECOMPRESS', `Cannot decompress the block at offset ${offset}: ${data.length} bytes out, the header says ${size}`);
  }
  return data;
}
