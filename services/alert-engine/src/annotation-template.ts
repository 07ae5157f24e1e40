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

/**
 * An annotation template compiled once: `{{device}}`, `{{deviceName}}`, `{{site}}`, `{{rule}}`,
 * `{{value}}`, `{{threshold}}`, `{{labels.ifName}}`. Not a language (no eval): unknown
 * placeholders are refused at load.
 */
export function compileTemplate(source: string, path: string): (ctx: TemplateContext) => string {
  const parts: ((ctx: TemplateContext) => string)[] = [];
  let last = 0;
  for (const m of source.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g)) {
    const literal = source.slice(last, m.index);
    parts.push(() => literal);
    const key = m[1] ?? '';
    if (key.startsWith('labels.')) {
      const name = key.slice('labels.'.length);
      parts.push((c) => c.labels[name] ?? '');
    } else if (KEYS.has(key)) {
      if (key === 'value' || key === 'threshold') parts.push((c) => formatNumber(c[key]));
      else parts.push((c) => String(c[key as 'device' | 'deviceName' | 'site' | 'rule']));
    } else {
      throw new Error(`${path}: unknown placeholder {{${key}}} (use device, deviceName, site, rule, value, threshold or labels.<name>)`);
    }
    last = (m.index ?? 0) + m[0].length;
  }
  const tail = source.slice(last);
  parts.push(() => tail);
  return (ctx) => parts.map((p) => p(ctx)).join('');
}
