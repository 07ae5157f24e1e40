/** What a template can say: the alert's labels, its device and the values that made it. */
export interface TemplateContext {
  labels: Readonly<Record<string, string>>;
  device: string;
  deviceName: string;
  site: string;
  rule: string;
  value: number | undefined;
  threshold: number | undefined;
}

const KEYS = new Set(['device', 'deviceName', 'site', 'rule', 'value', 'threshold']);

/** Rounds like a person reads a value: integers stay, others get at most 2 decimals. */
function formatNumber(n: number | undefined): string {
  if (n === undefined) return '';
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

/** One piece of a compiled template: literal text, a label, a context field, or a formatted number. */
type Part = { literal: string } | { label: string } | { field: 'device' | 'deviceName' | 'site' | 'rule' } | { number: 'value' | 'threshold' };

/**
 * An annotation template compiled once: `{{device}}`, `{{deviceName}}`, `{{site}}`, `{{rule}}`,
 * `{{value}}`, `{{threshold}}`, `{{labels.ifName}}`. Not a language (no eval): unknown
 * placeholders are refused at load. Parts are data read by one loop rather than a closure
 * each: the render runs for every annotation of every transition.
 */
export function compileTemplate(source: string, path: string): (ctx: TemplateContext) => string {
  const parts: Part[] = [];
  let last = 0;
  for (const m of source.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g)) {
    const literal = source.slice(last, m.index);
    if (literal !== '') parts.push({ literal });
    const key = m[1] ?? '';
    if (key.startsWith('labels.')) parts.push({ label: key.slice('labels.'.length) });
    else if (key === 'value' || key === 'threshold') parts.push({ number: key });
    else if (KEYS.has(key)) parts.push({ field: key as 'device' | 'deviceName' | 'site' | 'rule' });
    else throw new Error(`${path}: unknown placeholder {{${key}}} (use device, deviceName, site, rule, value, threshold or labels.<name>)`);
    last = (m.index ?? 0) + m[0].length;
  }
  const tail = source.slice(last);
  if (tail !== '') parts.push({ literal: tail });
  return (ctx) => {
    let out = '';
    for (const p of parts) {
      if ('literal' in p) out += p.literal;
      else if ('label' in p) out += ctx.labels[p.label] ?? '';
      else if ('number' in p) out += formatNumber(ctx[p.number]);
      else out += String(ctx[p.field]);
    }
    return out;
  };
}
