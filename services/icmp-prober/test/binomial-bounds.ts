/**
 * Two-sided acceptance interval for a binomial count: [lo, hi] such that a correct
 * implementation falls outside it with probability at most `alpha` (split over both tails).
 * Used to assert measured loss against configured loss without flakiness by luck.
 */
export function binomialInterval(n: number, p: number, alpha: number): { lo: number; hi: number } {
  const logPmf = (k: number) => logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
  const pmf = Array.from({ length: n + 1 }, (_, k) => Math.exp(logPmf(k)));
  let lo = 0;
  let tail = 0;
  while (lo < n && tail + (pmf[lo] ?? 0) <= alpha / 2) tail += pmf[lo++] ?? 0;
  let hi = n;
  tail = 0;
  while (hi > 0 && tail + (pmf[hi] ?? 0) <= alpha / 2) tail += pmf[hi--] ?? 0;
  return { lo, hi };
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

function logFactorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}
