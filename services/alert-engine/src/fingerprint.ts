/**
 * The identity of an alert series (ADR 0003): FNV-1a 64-bit over the sorted `name=value` label
 * pairs, as 16 hex digits. Same labels → same fingerprint on every replica, after every restart
 * and on every Node version (no Map/Object ordering, no random seed).
 */
export function fingerprint(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort();
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  const feed = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      h ^= BigInt(s.charCodeAt(i));
      h = (h * prime) & mask;
    }
  };
  for (const name of names) {
    feed(name);
    feed('\u0000');
    feed(labels[name] ?? '');
    feed('\u0001');
  }
  return h.toString(16).padStart(16, '0');
}
