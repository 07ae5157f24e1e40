/**
 * `key=value key2="quoted value" key3=` pairs (Fortinet FortiOS, PAN-OS custom formats, CEF-less
 * firewalls). Values may be double-quoted with `\"` inside; unquoted values end at a space.
 * Returns undefined when the text does not start with a key=value pair.
 */
export function parseKeyValues(s: string, max = 512): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let i = 0;
  let count = 0;
  const n = s.length;
  while (i < n && count < max) {
    while (s.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    const eq = s.indexOf('=', i);
    if (eq <= i) return count ? out : undefined;
    const key = s.slice(i, eq);
    if (!isKey(s, i, eq)) return count ? out : undefined;
    i = eq + 1;
    let value: string;
    if (s.charCodeAt(i) === 34 /* " */) {
      let j = i + 1;
      let v = '';
      let start = j;
      while (j < n && s.charCodeAt(j) !== 34) {
        if (s.charCodeAt(j) === 92 && j + 1 < n) {
          v += s.slice(start, j) + s[j + 1];
          j += 2;
          start = j;
        } else j++;
      }
      value = v + s.slice(start, j);
      i = j + 1;
    } else {
      const sp = s.indexOf(' ', i);
      const end = sp < 0 ? n : sp;
      value = s.slice(i, end);
      i = end;
    }
    if (key !== '__proto__') out[key] = value;
    count++;
  }
  return count ? out : undefined;
}

/** `[A-Za-z_][A-Za-z0-9_.-]*` between i and end, without a regex (runs per pair). */
function isKey(s: string, i: number, end: number): boolean {
  for (let j = i; j < end; j++) {
    const c = s.charCodeAt(j);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (letter) continue;
    if (j > i && ((c >= 48 && c <= 57) || c === 46 || c === 45)) continue;
    return false;
  }
  return true;
}
