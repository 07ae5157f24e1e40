/**
 * The labels one observation adds to a series, with a key the evaluator finds the series by
 * (per device and rule) without building strings or hashing labels per observation. The key is
 * the `name\0value` pairs in insertion order: two objects with the same labels in another order
 * get two keys for one series, and the evaluator's fingerprint lookup still finds it.
 * Label sets are shared (rows of one poll, the empty set): never mutate one.
 */
export interface LabelSet {
  readonly labels: Readonly<Record<string, string>>;
  readonly key: string;
}

export const NO_LABELS: LabelSet = Object.freeze({ labels: Object.freeze({}), key: '' });

export function labelSet(labels: Record<string, string>): LabelSet {
  let key = '';
  for (const name in labels) key += `\u0001${name}\u0000${labels[name]}`;
  return key === '' ? NO_LABELS : { labels, key };
}

/** Same label names in the same order: two rules' `by` lists are distinct arrays with the same text. */
export function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The names of `labels` in code-unit order, as `Object.keys(labels).sort()` gives them, sorted in
 * place by insertion: label sets are small, and Array#sort allocates a work array per call
 * (the largest allocator of bench/alerts' heap profile, through fingerprints and sample rows).
 */
export function sortedNames(labels: Readonly<Record<string, string>>): string[] {
  const names = Object.keys(labels);
  for (let i = 1; i < names.length; i++) {
    const name = names[i] as string;
    let j = i - 1;
    while (j >= 0 && (names[j] as string) > name) {
      names[j + 1] = names[j] as string;
      j--;
    }
    names[j + 1] = name;
  }
  return names;
}
