import { SondeError, type ErrorContext } from '@sonde/events/sonde-error';

/** Alertmanager's four matcher operators (pkg/labels/matcher.go). */
export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

export class MatcherError extends SondeError {
  constructor(message: string, context: ErrorContext = {}) {
    super('malformed', message, context);
  }
}

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OPS: readonly MatchOp[] = ['=~', '!~', '!=', '='];

/** A compiled matcher: regexes are anchored like Prometheus (`^(?:re)$`) and compiled once. */
export interface CompiledMatcher extends Matcher {
  test(labels: Readonly<Record<string, string>>): boolean;
}

export function compileMatcher(m: Matcher): CompiledMatcher {
  if (m.op === '=' || m.op === '!=') {
    const want = m.op === '=';
    // A missing label is the empty string (Alertmanager semantics: `foo=""` matches absence).
    return { ...m, test: (labels) => (labels[m.name] ?? '') === m.value === want };
  }
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${m.value})$`, 's');
  } catch (err) {
    throw new MatcherError(`invalid regex in matcher ${m.name}${m.op}"${m.value}": ${(err as Error).message}`, { matcher: m.name });
  }
  const want = m.op === '=~';
  return { ...m, test: (labels) => re.test(labels[m.name] ?? '') === want };
}

/** True if every matcher matches (an empty list matches everything). */
export function matchesAll(matchers: readonly CompiledMatcher[], labels: Readonly<Record<string, string>>): boolean {
  for (const m of matchers) if (!m.test(labels)) return false;
  return true;
}

/** Reads a Go-style quoted string that must span all of `raw` (escapes: \\ \" \n). */
function unquote(raw: string, input: string): string {
  let out = '';
  for (let i = 1; i < raw.length; i++) {
    const c = raw[i];
    if (c === '"') {
      if (i !== raw.length - 1) throw new MatcherError(`unexpected text after the quoted value in matcher ${JSON.stringify(input)}`);
      return out;
    }
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = raw[++i];
    if (n === 'n') out += '\n';
    else if (n === '\\' || n === '"') out += n;
    else throw new MatcherError(`invalid escape \\${n ?? ''} in matcher ${JSON.stringify(input)}`);
  }
  throw new MatcherError(`unterminated quoted value in matcher ${JSON.stringify(input)}`);
}

/** Quotes a value the way Alertmanager prints it (Go %q subset: \\, \", \n). */
export function quoteValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.op}${quoteValue(m.value)}`;
}

export function formatMatchers(ms: readonly Matcher[]): string {
  return `{${ms.map(formatMatcher).join(', ')}}`;
}

/**
 * Parses one matcher as amtool and Alertmanager configs write it: `name="value"`, `name=~"re"`,
 * `name!=value` (unquoted values run to the end), with surrounding spaces allowed.
 */
export function parseMatcher(input: string): Matcher {
  const s = input.trim();
  const nameEnd = s.search(/[=!~\s]/);
  if (nameEnd <= 0) throw new MatcherError(`matcher ${JSON.stringify(input)} has no label name`);
  const name = s.slice(0, nameEnd);
  if (!LABEL_NAME.test(name)) throw new MatcherError(`invalid label name ${JSON.stringify(name)} in matcher ${JSON.stringify(input)}`);
  const rest = s.slice(nameEnd).trimStart();
  const op = OPS.find((o) => rest.startsWith(o));
  if (op === undefined) throw new MatcherError(`matcher ${JSON.stringify(input)} has no operator (=, !=, =~, !~)`);
  const rawValue = rest.slice(op.length).trim();
  const value = rawValue.startsWith('"') ? unquote(rawValue, input) : rawValue;
  const m: Matcher = { name, op, value };
  compileMatcher(m); // reject an invalid regex at parse time, with the matcher in the message
  return m;
}

/** Splits `{a="b", c=~"d,e"}` (braces optional) on commas outside quotes, then parses each. */
export function parseMatchers(input: string): Matcher[] {
  let s = input.trim();
  if (s.startsWith('{')) {
    if (!s.endsWith('}')) throw new MatcherError(`unbalanced braces in matchers ${JSON.stringify(input)}`);
    s = s.slice(1, -1);
  }
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted && c === '\\') {
      cur += c + (s[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quoted) throw new MatcherError(`unterminated quoted value in matchers ${JSON.stringify(input)}`);
  parts.push(cur);
  return parts.filter((p) => p.trim() !== '').map(parseMatcher);
}
