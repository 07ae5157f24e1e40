import { MibError } from './mib-error';

/** One lexical token of an SMI module (RFC 2578 / ASN.1 subset). */
export interface MibToken {
  /** `id` identifier, `num` number, `str` quoted string, `bin` 'xx'H / 'bb'B, `sym` punctuation */
  kind: 'id' | 'num' | 'str' | 'bin' | 'sym';
  text: string;
  line: number;
}

const SYMBOLS = ['::=', '..', '{', '}', '(', ')', ',', ';', '|', '[', ']', '.', '-'];

function isIdStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isIdChar(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57) || c === 45 /* - */ || c === 95 /* _ */;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Splits MIB text into tokens. ASN.1 comments run from `--` to the next `--` or the end of the
 * line (X.208 §8.8); many vendor MIBs rely on the end-of-line form only, so both are honoured.
 * Never throws on odd bytes: unknown characters are skipped, an unterminated string ends at EOF.
 */
export function tokenizeMib(text: string, file = '<mib>'): MibToken[] {
  const out: MibToken[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      // comment
      i += 2;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 10) break;
        if (d === 45 && text.charCodeAt(i + 1) === 45) {
          i += 2;
          break;
        }
        i++;
      }
      continue;
    }
    if (c === 34 /* " */) {
      const start = line;
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== 34) {
        if (text.charCodeAt(j) === 10) line++;
        j++;
      }
      out.push({ kind: 'str', text: text.slice(i + 1, j), line: start });
      i = j + 1;
      continue;
    }
    if (c === 39 /* ' */) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== 39 && text.charCodeAt(j) !== 10) j++;
      const body = text.slice(i + 1, j);
      const suffix = text.charAt(j + 1);
      out.push({ kind: 'bin', text: `'${body}'${suffix}`, line });
      i = j + 2;
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdChar(text.charCodeAt(j))) {
        // an identifier never ends with '-' nor contains '--' (that starts a comment)
        if (text.charCodeAt(j) === 45 && (text.charCodeAt(j + 1) === 45 || !isIdChar(text.charCodeAt(j + 1)))) break;
        j++;
      }
      out.push({ kind: 'id', text: text.slice(i, j), line });
      i = j;
      continue;
    }
    if (isDigit(c)) {
      let j = i + 1;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      out.push({ kind: 'num', text: text.slice(i, j), line });
      i = j;
      continue;
    }
    let matched = false;
    for (const s of SYMBOLS) {
      if (text.startsWith(s, i)) {
        // a negative number: `-` directly followed by a digit
        if (s === '-' && isDigit(text.charCodeAt(i + 1))) {
          let j = i + 2;
          while (j < n && isDigit(text.charCodeAt(j))) j++;
          out.push({ kind: 'num', text: text.slice(i, j), line });
          i = j;
        } else {
          out.push({ kind: 'sym', text: s, line });
          i += s.length;
        }
        matched = true;
        break;
      }
    }
    if (!matched) i++; // stray byte: skip
  }
  if (out.length > 5_000_000) throw new MibError('malformed', `MIB file ${file} is too large`, { file });
  return out;
}
