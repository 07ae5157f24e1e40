import { crc32 } from 'node:zlib';

/**
 * The spool's on-disk format. A segment file is the 8-byte magic `SONDSPL1` followed by
 * records:
 *
 *   u32 BE  length of body
 *   u32 BE  CRC-32 of body
 *   body:   u16 BE topic length, topic (UTF-8), u16 BE key length, key (UTF-8), value bytes
 *
 * Appends only ever add whole records, but a crash or a full disk can leave a torn tail; the
 * reader stops at the first record that is incomplete or fails its checksum and says where,
 * so the spool can truncate the tail (last segment) or skip and count the rest (older ones).
 */
export const SEGMENT_MAGIC = Buffer.from('SONDSPL1', 'latin1');
export const RECORD_HEADER_BYTES = 8;
/** No record is larger: a length field above it is corruption, not a record to wait for. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export interface SpoolRecord {
  topic: string;
  key: string;
  value: Buffer;
}

export type SpoolReadProblem =
  /** The bytes end inside a record: an append was cut short (or more is still to be read). */
  | 'truncated'
  | 'checksum'
  /** A length or inner layout that cannot be a record. */
  | 'malformed';

export interface SpoolReadResult {
  records: SpoolRecord[];
  /** Offset just past the last whole, valid record (where reading may resume). */
  end: number;
  /** Why reading stopped before the end of the bytes, if it did. */
  problem?: SpoolReadProblem;
}

export function encodeSpoolRecord(record: SpoolRecord): Buffer {
  const topic = Buffer.from(record.topic, 'utf8');
  const key = Buffer.from(record.key, 'utf8');
  if (topic.length > 0xffff || key.length > 0xffff) throw new RangeError('spool record topic or key longer than 65535 bytes');
  const bodyLength = 2 + topic.length + 2 + key.length + record.value.length;
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + bodyLength);
  let at = RECORD_HEADER_BYTES;
  out.writeUInt16BE(topic.length, at);
  at += 2;
  topic.copy(out, at);
  at += topic.length;
  out.writeUInt16BE(key.length, at);
  at += 2;
  key.copy(out, at);
  at += key.length;
  record.value.copy(out, at);
  const body = out.subarray(RECORD_HEADER_BYTES);
  out.writeUInt32BE(bodyLength, 0);
  out.writeUInt32BE(crc32(body), 4);
  return out;
}

/**
 * Reads whole records from `bytes` starting at `start`, at most `maxRecords`. Never throws:
 * any byte sequence yields the valid prefix and, if it stopped early, the problem.
 */
export function readSpoolRecords(bytes: Uint8Array, start = 0, maxRecords = Number.POSITIVE_INFINITY): SpoolReadResult {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: SpoolRecord[] = [];
  let at = Math.max(0, Math.min(start, buf.length));
  while (at < buf.length && records.length < maxRecords) {
    if (buf.length - at < RECORD_HEADER_BYTES) return { records, end: at, problem: 'truncated' };
    const length = buf.readUInt32BE(at);
    if (length < 4 || length > MAX_RECORD_BYTES) return { records, end: at, problem: 'malformed' };
    if (buf.length - at - RECORD_HEADER_BYTES < length) return { records, end: at, problem: 'truncated' };
    const body = buf.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + length);
    if (crc32(body) !== buf.readUInt32BE(at + 4)) return { records, end: at, problem: 'checksum' };
    const record = parseBody(body);
    if (!record) return { records, end: at, problem: 'malformed' };
    records.push(record);
    at += RECORD_HEADER_BYTES + length;
  }
  return { records, end: at };
}

function parseBody(body: Buffer): SpoolRecord | undefined {
  const topicLength = body.readUInt16BE(0);
  if (2 + topicLength + 2 > body.length) return undefined;
  const topic = body.toString('utf8', 2, 2 + topicLength);
  const keyAt = 2 + topicLength;
  const keyLength = body.readUInt16BE(keyAt);
  if (keyAt + 2 + keyLength > body.length) return undefined;
  const key = body.toString('utf8', keyAt + 2, keyAt + 2 + keyLength);
  // copy: the value outlives the read buffer
  const value = Buffer.from(body.subarray(keyAt + 2 + keyLength));
  return { topic, key, value };
}
