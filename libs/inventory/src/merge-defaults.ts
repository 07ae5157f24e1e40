/**
 * Raw config a program supplies under the file's (`loadConfig({ defaults })`): mappings merge
 * key by key with the file winning, and a list in the file **replaces** the defaults' list — a
 * user who writes `trapReceiver.listen: [{ address: 127.0.0.1, port: 21762 }]` listens there
 * only. The caller names the few lists that are joined instead (`joinLists`, dotted paths such
 * as `devices`), the defaults' entries first: `sonde up` adds its lab devices to the file's.
 */
export function mergeDefaults(
  defaults: Readonly<Record<string, unknown>>,
  file: Readonly<Record<string, unknown>>,
  joinLists: readonly string[] = [],
  at = '',
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(file)) {
    const base = out[key];
    const path = at ? `${at}.${key}` : key;
    if (Array.isArray(base) && Array.isArray(value) && joinLists.includes(path)) out[key] = [...base, ...value];
    else if (isMapping(base) && isMapping(value)) out[key] = mergeDefaults(base, value, joinLists, path);
    else out[key] = value;
  }
  return out;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
