import { sortedNames } from './label-set';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(x: number): string {
  return (HEX[x >>> 24] as string) + (HEX[(x >>> 16) & 255] as string) + (HEX[(x >>> 8) & 255] as string) + (HEX[x & 255] as string);
}

/**
 * The identity of an alert series (ADR 0003): a 64-bit hash of the sorted `name=value` label
 * pairs, as 16 hex digits — two FNV-1a 32-bit hashes with different offset bases, computed with
 * Math.imul (BigInt arithmetic cost ~5 µs per series). Same labels → same fingerprint on every
 * replica, after every restart and on every Node version (no Map/Object ordering, no seed).
 * Written out by hand (no helper closure, a hex table): it runs once per new series.
 */
export function fingerprint(labels: Readonly<Record<string, string>>): string {
  const names = sortedNames(labels);
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (const name of names) {
    for (let i = 0; i < name.length; i++) {
      const code = name.charCodeAt(i);
      a = Math.imul(a ^ code, 0x01000193);
      b = Math.imul(b ^ code, 0x01000193);
    }
    a = Math.imul(a, 0x01000193);
    b = Math.imul(b, 0x01000193);
    const value = labels[name] ?? '';
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      a = Math.imul(a ^ code, 0x01000193);
      b = Math.imul(b ^ code, 0x01000193);
    }
    a = Math.imul(a ^ 1, 0x01000193);
    b = Math.imul(b ^ 1, 0x01000193);
  }
  return hex32(a >>> 0) + hex32(b >>> 0);
}
