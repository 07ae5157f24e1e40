/**
 * A compiled fast path for the CEL that threshold `expr` rules are mostly written in: double
 * arithmetic (+ - * /, unary -), comparisons and `?:` over `samples.<name>` and double literals
 * (`samples.ifInErrors_rate + samples.ifOutErrors_rate`, the busier direction of an interface
 * in percent of its speed). Such an expression is a closure tree over the row's values instead
 * of a CEL evaluation with an activation object per row and rule. Anything else — an int
 * literal (CEL refuses `double + int`), `labels`, functions, `&&` — returns undefined and stays
 * with the CEL library; the rule compiles with CEL first either way, so load errors are CEL's.
 * Used with cel-js (the default library), which reads every JS number as a double as this does;
 * src/cel-fast-path.spec.ts checks it against cel-js with fast-check, errors included.
 * Hand-written because bench/alerts/eval.sh showed cel-js' per-row evaluation (an activation
 * and an interpreter walk for each interface row and rule) among the costs that kept the engine
 * under its 100 000 events/s bar; see bench/alerts/RESULTS.md.
 */
type Node = { type: 'double'; run: (v: Record<string, number>) => number } | { type: 'bool'; run: (v: Record<string, number>) => boolean };

const TOKEN = /\s*(?:(\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+)|(samples)\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|!=|[-+*/()<>?:]))/y;

interface Token {
  double?: number;
  sample?: string;
  op?: string;
}

function tokenize(source: string): Token[] | undefined {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(source);
    if (!m || TOKEN.lastIndex === start) return undefined;
    // a literal or name glued to what follows (`1.0x`, `samples.a.b`) is not this subset
    if ((m[1] !== undefined || m[3] !== undefined) && /^[A-Za-z0-9_.]/.test(source.slice(TOKEN.lastIndex))) return undefined;
    if (m[1] !== undefined) out.push({ double: Number(m[1]) });
    else if (m[3] !== undefined) out.push({ sample: m[3] });
    else out.push({ op: m[4] as string });
  }
  return out;
}

function read(name: string): (v: Record<string, number>) => number {
  return (v) => {
    const x = v[name];
    // as CEL: a key the map lacks is an error (the rule skips rows without the samples it reads)
    if (x === undefined) throw new Error(`no such key: ${name}`);
    return x;
  };
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node | undefined {
    const node = this.ternary();
    return node && this.at === this.tokens.length ? node : undefined;
  }

  private peek(op: string): boolean {
    return this.tokens[this.at]?.op === op;
  }

  private ternary(): Node | undefined {
    const cond = this.comparison();
    if (!cond || !this.peek('?')) return cond;
    this.at++;
    const yes = this.ternary();
    if (!yes || !this.peek(':')) return undefined;
    this.at++;
    const no = this.ternary();
    if (!no || cond.type !== 'bool' || yes.type !== no.type) return undefined;
    const c = cond.run;
    if (yes.type === 'double' && no.type === 'double') {
      const a = yes.run;
      const b = no.run;
      return { type: 'double', run: (v) => (c(v) ? a(v) : b(v)) };
    }
    const a = yes.run as (v: Record<string, number>) => boolean;
    const b = no.run as (v: Record<string, number>) => boolean;
    return { type: 'bool', run: (v) => (c(v) ? a(v) : b(v)) };
  }

  private comparison(): Node | undefined {
    const left = this.additive();
    const op = this.tokens[this.at]?.op;
    if (!left || (op !== '<' && op !== '<=' && op !== '>' && op !== '>=' && op !== '==' && op !== '!=')) return left;
    this.at++;
    const right = this.additive();
    if (!right || left.type !== 'double' || right.type !== 'double') return undefined;
    const a = left.run;
    const b = right.run;
    switch (op) {
      case '<':
        return { type: 'bool', run: (v) => a(v) < b(v) };
      case '<=':
        return { type: 'bool', run: (v) => a(v) <= b(v) };
      case '>':
        return { type: 'bool', run: (v) => a(v) > b(v) };
      case '>=':
        return { type: 'bool', run: (v) => a(v) >= b(v) };
      case '==':
        return { type: 'bool', run: (v) => a(v) === b(v) };
      case '!=':
        return { type: 'bool', run: (v) => a(v) !== b(v) };
    }
  }

  private additive(): Node | undefined {
    let left = this.multiplicative();
    while (left && (this.peek('+') || this.peek('-'))) {
      const op = this.tokens[this.at++]?.op;
      const right = this.multiplicative();
      if (!right || left.type !== 'double' || right.type !== 'double') return undefined;
      const a = left.run;
      const b = right.run;
      left = op === '+' ? { type: 'double', run: (v) => a(v) + b(v) } : { type: 'double', run: (v) => a(v) - b(v) };
    }
    return left;
  }

  private multiplicative(): Node | undefined {
    let left = this.unary();
    while (left && (this.peek('*') || this.peek('/'))) {
      const op = this.tokens[this.at++]?.op;
      const right = this.unary();
      if (!right || left.type !== 'double' || right.type !== 'double') return undefined;
      const a = left.run;
      const b = right.run;
      left = op === '*' ? { type: 'double', run: (v) => a(v) * b(v) } : { type: 'double', run: (v) => a(v) / b(v) };
    }
    return left;
  }

  private unary(): Node | undefined {
    if (this.peek('-')) {
      this.at++;
      const inner = this.unary();
      if (!inner || inner.type !== 'double') return undefined;
      const a = inner.run;
      return { type: 'double', run: (v) => -a(v) };
    }
    return this.primary();
  }

  private primary(): Node | undefined {
    const t = this.tokens[this.at];
    if (!t) return undefined;
    this.at++;
    if (t.double !== undefined) {
      const d = t.double;
      return { type: 'double', run: () => d };
    }
    if (t.sample !== undefined) return { type: 'double', run: read(t.sample) };
    if (t.op === '(') {
      const inner = this.ternary();
      if (!inner || !this.peek(')')) return undefined;
      this.at++;
      return inner;
    }
    return undefined;
  }
}

/**
 * The fast path of `expression` over `{ samples }` (the activation a threshold `expr` gets; it
 * reads only `samples`), or undefined when the expression is outside the subset.
 */
export function compileSamplesFastPath(expression: string): ((samples: Record<string, number>) => number | boolean) | undefined {
  const tokens = tokenize(expression);
  if (!tokens || tokens.length === 0) return undefined;
  return new Parser(tokens).parse()?.run;
}
