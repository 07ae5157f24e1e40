/**
 * Edit distance with adjacent transpositions (optimal string alignment), case-insensitive:
 * `prot`→`port` and `rateLimt`→`rateLimit` are 1, `ratelimit`→`rateLimit` is 0.
 */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const w = t.length + 1;
  // one flat (s.length+1) × (t.length+1) table; `at` reads 0 outside it (never happens)
  const d = new Uint16Array((s.length + 1) * w);
  const at = (i: number, j: number): number => d[i * w + j] ?? 0;
  for (let i = 0; i <= s.length; i++) d[i * w] = i;
  for (let j = 0; j <= t.length; j++) d[j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * w + j] = v;
    }
  }
  return at(s.length, t.length);
}

/**
 * The known key a misspelt one most likely meant, or undefined when none is close: at most one
 * edit for keys of up to 4 characters, two beyond (`familes`→`families`, `udp.prot`→`port`).
 */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const limit = key.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const d = distance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
