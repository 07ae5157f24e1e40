import type { z } from 'zod';
import { describeValue } from './describe-value';
import { didYouMean } from './did-you-mean';
import { isSecretKey } from './section-secrets';
import type { UnknownKeys } from './unknown-keys';

type ZodIssue = z.core.$ZodIssue;


export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof key === 'symbol' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/** Secret fields (a credential's, or a secret key in any section): their values never appear in a message. */
function isSecretPath(path: readonly PropertyKey[]): boolean {
  return path.slice(1).some(isSecretKey);
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  map: 'a mapping',
};

function quoteList(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? v : String(v))).join(', ');
}

function bound(issue: { origin: string; inclusive?: boolean }, n: number | bigint, kind: 'min' | 'max'): string {
  if (issue.origin === 'string') {
    if (kind === 'min' && Number(n) === 1) return 'a non-empty string';
    return `${kind === 'min' ? 'at least' : 'at most'} ${n} characters`;
  }
  if (issue.origin === 'array' || issue.origin === 'set') return `${kind === 'min' ? 'at least' : 'at most'} ${n} items`;
  const op = kind === 'min' ? (issue.inclusive === false ? '>' : '>=') : issue.inclusive === false ? '<' : '<=';
  return `a number ${op} ${n}`;
}

/**
 * Turns a zod issue into "what was expected, got what": the value shown is read from the raw
 * config (never for secret fields), so messages look the same whichever schema produced them.
 */
export function describeIssue(issue: ZodIssue, raw: unknown, rootKeys: readonly string[]): string {
  const value = valueAt(raw, issue.path);
  const secret = isSecretPath(issue.path);
  const got = (expected: string) => (value === undefined ? `missing (expected ${expected})` : secret ? `expected ${expected}` : `expected ${expected}, got ${describeValue(value)}`);
  switch (issue.code) {
    case 'invalid_type':
      return got(TYPE_NAMES[issue.expected] ?? issue.expected);
    case 'invalid_value':
      return got(issue.values.length === 1 ? describeValue(issue.values[0]) : `one of ${quoteList(issue.values)}`);
    case 'too_small':
      return got(bound(issue, issue.minimum, 'min'));
    case 'too_big':
      return got(bound(issue, issue.maximum, 'max'));
    case 'unrecognized_keys':
      return describeUnknownKeys({ path: issue.path.filter((k) => typeof k !== 'symbol'), keys: issue.keys, known: issue.path.length ? [] : [...rootKeys] });
    case 'invalid_union':
      if ('options' in issue && Array.isArray(issue.options)) return got(`one of ${quoteList(issue.options)}`);
      return issue.message;
    case 'invalid_key':
      return issue.issues[0]?.message ?? issue.message;
    case 'invalid_format':
      // our schemas phrase their formats as "expected …"; zod's own regex message does not
      if (issue.message.startsWith('expected ')) return got(issue.message.slice('expected '.length));
      return got(issue.format === 'regex' && 'pattern' in issue ? `a string matching ${String(issue.pattern)}` : issue.format);
    default:
      return issue.message;
  }
}

/**
 * `unknown key "prot" (did you mean "port"?)`; at the top level the sections that exist are listed
 * too, since a misspelt section name is the commonest mistake there.
 */
export function describeUnknownKeys(found: UnknownKeys): string {
  const keys = found.keys
    .map((k) => {
      const near = didYouMean(k, found.known);
      return near ? `${JSON.stringify(k)} (did you mean ${JSON.stringify(near)}?)` : JSON.stringify(k);
    })
    .join(', ');
  const plural = found.keys.length > 1 ? 'keys' : 'key';
  if (found.path.length === 0) return `unknown top-level ${plural} ${keys} (expected one of: ${[...found.known].sort().join(', ')})`;
  return `unknown ${plural} ${keys}`;
}
