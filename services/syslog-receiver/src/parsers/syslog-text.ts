import { isUtf8 } from 'node:buffer';

/**
 * Bytes → text. Decision (README "Character sets"): syslog is decoded as UTF-8 (RFC 5424 §6.4,
 * and what every current device sends); a message that is not valid UTF-8 keeps every valid
 * character, gets U+FFFD for each invalid sequence, and is flagged `fields.invalidUtf8 = "true"`
 * so nothing is silently altered. A latin1 fallback was rejected: it mangles the valid UTF-8 of a
 * message that has a single stray byte, and it is a guess as often as it is right.
 */
export function decodeSyslogText(bytes: Uint8Array): { text: string; invalidUtf8: boolean } {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buf.toString('utf8');
  // The decoder puts U+FFFD for every invalid sequence, so text without one came from valid
  // UTF-8 and the second pass over the bytes (isUtf8) is only needed when U+FFFD appears (it
  // may also have been sent as valid EF BF BD). For one-byte (Latin-1) strings V8 answers
  // includes('\uFFFD') without scanning, so ASCII messages skip a pass.
  return { text, invalidUtf8: text.includes('\uFFFD') && !isUtf8(buf) };
}

/**
 * The length to keep so that `bytes` is at most `max` long without splitting a UTF-8 sequence
 * (so truncation itself never creates an invalid character).
 */
export function utf8TruncationPoint(bytes: Uint8Array, max: number): number {
  return bytes.length <= max ? bytes.length : completeUtf8Length(bytes.subarray(0, max));
}

/** Length of `data` without a trailing incomplete UTF-8 sequence (bytes already invalid stay). */
export function completeUtf8Length(data: Uint8Array): number {
  let i = data.length - 1;
  let back = 0;
  while (i >= 0 && back < 3 && ((data[i] ?? 0) & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return data.length;
  const lead = data[i] ?? 0;
  if (lead < 0xc0) return data.length; // ASCII or a stray continuation byte: nothing to trim
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  return data.length - i >= need ? data.length : i;
}
