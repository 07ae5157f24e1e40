/**
 * Raw config a program supplies under the file's (`loadConfig({ defaults })`): mappings merge
 * key by key with the file winning; lists are joined, the defaults' entries first — so
 * `sonde up` can add its lab devices and their credential to whatever the file lists.
 */
export function mergeDefaults(defaults: Readonly<Record<string, unknown>>, file: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(file)) {
    const base = out[key];
    if (Array.isArray(base) && Array.isArray(value)) out[key] = [...base, ...value];
    else if (isMapping(base) && isMapping(value)) out[key] = mergeDefaults(base, value);
    else out[key] = value;
  }
  return out;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
