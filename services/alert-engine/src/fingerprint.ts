/**
 * The identity of an alert series (ADR 0003): a 64-bit hash of the sorted `name=value` label
 * pairs, as 16 hex digits — two FNV-1a 32-bit hashes with different offset bases, computed with
 * Math.imul (BigInt arithmetic cost ~5 µs per series). Same labels → same fingerprint on every
 * replica, after every restart and on every Node version (no Map/Object ordering, no seed).
 */
export function fingerprint(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort();
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  const feed = (code: number) => {
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x01000193);
  };
  for (const name of names) {
    for (let i = 0; i < name.length; i++) feed(name.charCodeAt(i));
    feed(0);
    const value = labels[name] ?? '';
    for (let i = 0; i < value.length; i++) feed(value.charCodeAt(i));
    feed(1);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
