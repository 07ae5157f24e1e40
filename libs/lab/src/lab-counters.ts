/**
 * Counter math of the simulated devices: every counter is a deterministic function of the
 * time elapsed since the device (re)booted, so a test can predict the exact value an agent
 * answers at a given clock reading. RFC 2578 §7.1.6/§7.1.10: Counter32 wraps at 2^32,
 * Counter64 at 2^64; both start from `offset`, so a test that sets an offset just below 2^32
 * sees a Counter32 wrap within seconds.
 */
export const COUNTER32_MODULUS = 2n ** 32n;
export const COUNTER64_MODULUS = 2n ** 64n;

/**
 * The unbounded value of a counter that increases by `ratePerSecond` from `offset`, after
 * `elapsedMs` milliseconds: offset + floor(rate × elapsed / 1000). Integer arithmetic on
 * milliseconds so the same inputs always give the same value (no float drift across calls).
 */
export function counterAt(ratePerSecond: number, elapsedMs: number, offset: bigint = 0n): bigint {
  if (elapsedMs <= 0 || ratePerSecond <= 0) return offset;
  // rate in thousandths per second keeps fractional rates (0.5 errors/s) exact enough
  const milliRate = BigInt(Math.round(ratePerSecond * 1000));
  return offset + (milliRate * BigInt(Math.floor(elapsedMs))) / 1_000_000n;
}

/** The Counter32 reading of an unbounded counter value. */
export function counter32(value: bigint): number {
  return Number(((value % COUNTER32_MODULUS) + COUNTER32_MODULUS) % COUNTER32_MODULUS);
}

/** The Counter64 reading of an unbounded counter value. */
export function counter64(value: bigint): bigint {
  return ((value % COUNTER64_MODULUS) + COUNTER64_MODULUS) % COUNTER64_MODULUS;
}

/** sysUpTime / hrSystemUptime: TimeTicks (hundredths of a second), wrapping at 2^32 (RFC 2578 §7.1.8). */
export function timeTicksSince(bootAtMs: number, nowMs: number): number {
  const ticks = Math.floor(Math.max(0, nowMs - bootAtMs) / 10);
  return ticks % 0x1_0000_0000;
}

/**
 * Counter64 as net-snmp writes it: the raw content octets of a BER INTEGER, big-endian, minimal,
 * with a leading zero octet when the top bit is set so it stays non-negative (X.690 §8.3).
 */
export function counter64Bytes(value: bigint): Buffer {
  let v = counter64(value);
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if ((bytes[0] as number) & 0x80) bytes.unshift(0);
  return Buffer.from(bytes);
}

/** Inverse of counter64Bytes, for tests and for reading net-snmp's Counter64 buffers. */
export function counter64FromBytes(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}
