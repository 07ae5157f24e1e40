/**
 * The error's name and message, then the root causes it wraps (Error.cause, AggregateError's
 * errors), each once: @platformatic/kafka reports an unreachable broker as "Listing topics
 * failed." around one ECONNREFUSED per broker connection, and the operator needs the latter.
 */
export function describeError(err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const head = `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`;
  const roots: string[] = [];
  const seen = new Set<unknown>([e]);
  const inner = (x: Error): Error[] => [...(x instanceof AggregateError ? (x.errors as unknown[]) : []), x.cause].filter((i): i is Error => i instanceof Error);
  const visit = (x: Error, depth: number): void => {
    if (seen.has(x) || depth > 8) return;
    seen.add(x);
    const below = inner(x);
    if (below.length === 0) {
      if (x.message && !head.includes(x.message) && !roots.includes(x.message)) roots.push(x.message);
    } else for (const i of below) visit(i, depth + 1);
  };
  for (const i of inner(e)) visit(i, 1);
  if (roots.length === 0) return head;
  const shown = roots.slice(0, 3).join('; ');
  return `${head}${head.endsWith('.') ? '' : ':'} ${shown}${roots.length > 3 ? ` (+${roots.length - 3} more)` : ''}`;
}
