/**
 * A ClickHouse type name split into its name and arguments: `Map(LowCardinality(String), UInt64)`
 * → `{ name: 'Map', args: ['LowCardinality(String)', 'UInt64'] }`. Quoted strings (Enum values,
 * time zones) and nested parentheses are kept whole.
 */
export interface ParsedType {
  name: string;
  args: string[];
}

export function parseType(type: string): ParsedType {
  const t = type.trim();
  const open = t.indexOf('(');
  if (open < 0 || !t.endsWith(')')) return { name: t, args: [] };
  return { name: t.slice(0, open).trim(), args: splitArgs(t.slice(open + 1, -1)) };
}

/** Top-level comma split that respects parentheses, quotes ('…', "…", `…`) and backslash escapes. */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = s.slice(start).trim();
  if (last !== '' || out.length > 0) out.push(last);
  return out;
}

/**
 * A Tuple element is `Type` or `name Type` (named tuples, Nested); type names hold no space
 * outside parentheses, so a top-level space means a name comes first.
 */
export function tupleElementType(element: string): string {
  const e = element.trim();
  if (e.startsWith('`') || e.startsWith('"')) {
    const q = e[0];
    for (let i = 1; i < e.length; i++) {
      if (e[i] === '\\') i++;
      else if (e[i] === q) return e.slice(i + 1).trim();
    }
    return e;
  }
  const paren = e.indexOf('(');
  const space = e.search(/\s/);
  return space > 0 && (paren < 0 || space < paren) ? e.slice(space + 1).trim() : e;
}
