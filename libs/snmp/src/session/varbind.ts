/** SMIv2 type names as RFC 2578 spells them (what `snmpwalk` prints, minus its upper-casing). */
export type VarbindType =
  | 'Boolean'
  | 'Integer'
  | 'BitString'
  | 'OctetString'
  | 'Null'
  | 'OID'
  | 'IpAddress'
  | 'Counter32'
  | 'Gauge32'
  | 'TimeTicks'
  | 'Opaque'
  | 'Counter64'
  | 'NoSuchObject'
  | 'NoSuchInstance'
  | 'EndOfMibView';

export type VarbindValue = number | bigint | Buffer | string | boolean | null;

/**
 * The one varbind type of Sonde: what a poll's session returns (via net-snmp-varbind.ts) and what
 * the BER decoder of received notifications produces (../ber/snmp-message.ts).
 */
export interface Varbind {
  oid: string;
  type: VarbindType;
  /** Integer/Counter32/Gauge32/TimeTicks: number · Counter64: bigint · OctetString/Opaque: Buffer · OID/IpAddress: string */
  value: VarbindValue;
}

/** The three SNMPv2 exceptions (RFC 3416 §4.2.1): a varbind that carries no value. */
export function isException(type: VarbindType): boolean {
  return type === 'NoSuchObject' || type === 'NoSuchInstance' || type === 'EndOfMibView';
}

export function bytesToBigint(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.max(0, Math.trunc(value)));
  if (!Buffer.isBuffer(value)) return 0n;
  let out = 0n;
  for (const byte of value) out = (out << 8n) | BigInt(byte);
  return out & 0xffff_ffff_ffff_ffffn;
}

/** Numeric view of a counter/gauge value, or undefined when it is not a number. */
export function numericValue(vb: Varbind): number | bigint | undefined {
  switch (typeof vb.value) {
    case 'number':
    case 'bigint':
      return vb.value;
    default:
      return undefined;
  }
}

/**
 * OID comparison by sub-identifier (RFC 3416 lexicographic order), not by string. Called for
 * every varbind of a walk: scans both strings in place, no split, no allocation.
 */
export function compareOids(a: string, b: string): number {
  let i = 0;
  let j = 0;
  const la = a.length;
  const lb = b.length;
  while (i < la && j < lb) {
    let na = 0;
    let da = 0;
    while (i < la && a.charCodeAt(i) !== 46) {
      na = na * 10 + (a.charCodeAt(i) - 48);
      i++;
      da++;
    }
    let nb = 0;
    let db = 0;
    while (j < lb && b.charCodeAt(j) !== 46) {
      nb = nb * 10 + (b.charCodeAt(j) - 48);
      j++;
      db++;
    }
    if (na !== nb) return na < nb ? -1 : 1;
    if (da === 0 || db === 0) return da === db ? 0 : da < db ? -1 : 1;
    i++; // skip '.'
    j++;
  }
  if (i >= la && j >= lb) return 0;
  return i >= la ? -1 : 1;
}

export function oidInSubtree(base: string, oid: string): boolean {
  return oid.length > base.length && oid.startsWith(base) && oid.charCodeAt(base.length) === 46; // '.'
}

// ignoreBOM: a leading U+FEFF is kept as text, so the text encodes back to the same bytes
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** C0 controls but tab, LF, CR; DEL; C1 controls (U+0080–U+009F): not text an operator can read. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * The one "printable" rule for OCTET STRINGs (poll labels, trap varbinds, display fallback):
 * valid UTF-8 without control characters (tab, LF, CR allowed) that does not itself begin with
 * `0x` is text; anything else is undefined — the caller prints `0x` + hex. So text never reads
 * like hex: the string "0x801" prints as `0x3078383031`, the bytes 08 01 as `0x0801`.
 */
export function printableText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  if (CONTROL.test(text) || text.startsWith('0x')) return undefined;
  return text;
}

/** `0x` + lower-case hex of the bytes. */
export function hexText(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}

/**
 * A varbind value as text, the same everywhere: numbers and Counter64 in decimal, OIDs dotted,
 * OCTET STRINGs by the printable rule (text, else `0x` + hex — the original bytes are always
 * recoverable), exceptions and Null as ''.
 */
export function varbindText(vb: Pick<Varbind, 'value'>): string {
  const v = vb.value;
  if (v === null) return '';
  if (v instanceof Uint8Array) return printableText(v) ?? hexText(v);
  return String(v);
}
