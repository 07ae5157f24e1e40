/** OIDs as arrays of sub-identifiers, ordered lexicographically as GETNEXT walks them (RFC 3416 §4.2.2). */
export type Oid = readonly number[];

export function parseOid(text: string): number[] {
  const trimmed = text.startsWith('.') ? text.slice(1) : text;
  if (trimmed === '') return [];
  const parts = trimmed.split('.');
  const out = new Array<number>(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const n = Number(parts[i]);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff || parts[i] === '') {
      throw new RangeError(`invalid OID "${text}": sub-identifier ${i + 1} is "${parts[i]}"`);
    }
    out[i] = n;
  }
  return out;
}

export function formatOid(oid: Oid): string {
  return oid.join('.');
}

/** Negative when a sorts before b in the MIB tree, zero when equal, positive after. */
export function compareOids(a: Oid, b: Oid): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** True when `oid` is `prefix` or lies below it. */
export function oidStartsWith(oid: Oid, prefix: Oid): boolean {
  if (oid.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (oid[i] !== prefix[i]) return false;
  return true;
}
