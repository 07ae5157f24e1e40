/**
 * The errors at the bottom of an error tree, first to last: below a node are its `errors`
 * (AggregateError, @platformatic/kafka's MultipleErrors), then its `cause` (and kafkajs'
 * `originalError`). `isLeaf` stops the descent at a node the caller wants as it is. A node
 * with nothing below is a leaf; cycles and depths past 8 are cut.
 */
export function errorLeaves(err: unknown, isLeaf: (e: object) => boolean = () => false): object[] {
  const leaves: object[] = [];
  const seen = new Set<object>();
  const visit = (x: unknown, depth: number): void => {
    if (!x || typeof x !== 'object' || seen.has(x) || depth > 8) return;
    seen.add(x);
    const node = x as { errors?: unknown; cause?: unknown; originalError?: unknown };
    const below = [...(Array.isArray(node.errors) ? (node.errors as unknown[]) : []), node.cause, node.originalError].filter((i) => i && typeof i === 'object');
    if (isLeaf(x) || below.length === 0) leaves.push(x);
    else for (const i of below) visit(i, depth + 1);
  };
  visit(err, 0);
  return leaves;
}

/**
 * The error's name and message, then the messages of the root causes it wraps (errorLeaves),
 * each once: @platformatic/kafka reports an unreachable broker as "Listing topics failed."
 * around one ECONNREFUSED per broker connection, and the operator needs the latter.
 */
export function describeError(err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const head = `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`;
  const roots: string[] = [];
  for (const leaf of errorLeaves(e)) {
    const message = (leaf as { message?: unknown }).message;
    if (typeof message === 'string' && message && !head.includes(message) && !roots.includes(message)) roots.push(message);
  }
  if (roots.length === 0) return head;
  const shown = roots.slice(0, 3).join('; ');
  return `${head}${head.endsWith('.') ? '' : ':'} ${shown}${roots.length > 3 ? ` (+${roots.length - 3} more)` : ''}`;
}
