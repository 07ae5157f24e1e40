import path from 'node:path';
import { readInstanceFile, runningInstances, type RunningInstance } from './instance-file';

/** The folder `sonde up`, `query` and `status` use when `--data` is not given. */
export const DEFAULT_DATA_DIR = '.sonde-data';

/**
 * Where `sonde query` / `sonde status` read: a running `sonde up` (chDB belongs to the one
 * process that opened it, so its local API is the only way in), or the data folder itself when
 * none runs. `note` says plainly which one and why, when it is not the obvious one.
 */
export type StoreLocation =
  | { kind: 'running'; instance: RunningInstance & { url: string }; note?: string }
  | { kind: 'folder'; dataDir: string; note?: string }
  | { kind: 'error'; message: string };

export interface LocateOptions {
  registry?: string;
  /** How long to wait for a `sonde up` that is still starting (its API is not up yet). */
  waitMs?: number;
  cwd?: string;
}

const describe = (i: RunningInstance): string => `pid ${i.pid}, data ${i.dataDir}${i.url ? `, ${i.url}` : ''}`;

export async function locateStore(data: string | undefined, options: LocateOptions = {}): Promise<StoreLocation> {
  const cwd = options.cwd ?? process.cwd();
  const running = runningInstances(options.registry);
  if (data !== undefined) {
    const dataDir = path.resolve(cwd, data);
    const instance = readInstanceFile(dataDir) ?? running.find((r) => r.dataDir === dataDir);
    if (instance) return ready(instance, options);
    const others = running.length ? ` (running: ${running.map(describe).join('; ')})` : '';
    return { kind: 'folder', dataDir, ...(others ? { note: `no \`sonde up\` runs for ${dataDir}${others}; reading the folder itself` } : {}) };
  }
  const defaultDir = path.resolve(cwd, DEFAULT_DATA_DIR);
  const here = running.find((r) => r.dataDir === defaultDir);
  if (here) return ready(here, options);
  if (running.length === 1 && running[0]) {
    const only = running[0];
    const found = await ready(only, options);
    return found.kind === 'running' ? { ...found, note: `reading the running \`sonde up\` (${describe(found.instance)}); no --data given` } : found;
  }
  if (running.length > 1) {
    return { kind: 'error', message: `${running.length} \`sonde up\` are running (${running.map(describe).join('; ')}): choose one with --data <dir>` };
  }
  return { kind: 'folder', dataDir: defaultDir };
}

/** Waits (bounded) for a `sonde up` that is still starting to publish its API address. */
async function ready(instance: RunningInstance, options: LocateOptions): Promise<StoreLocation> {
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  let current: RunningInstance | undefined = instance;
  while (current && !(current.state === 'ready' && current.url)) {
    if (Date.now() > deadline) {
      return { kind: 'error', message: `the \`sonde up\` of ${instance.dataDir} (pid ${instance.pid}) is still starting; its data folder cannot be opened meanwhile (chDB belongs to that process): try again in a moment` };
    }
    await new Promise((r) => setTimeout(r, 250));
    current = readInstanceFile(instance.dataDir) ?? runningInstances(options.registry).find((r) => r.pid === instance.pid);
  }
  if (!current?.url) {
    return { kind: 'folder', dataDir: instance.dataDir, note: `the \`sonde up\` of ${instance.dataDir} (pid ${instance.pid}) stopped; reading the folder itself` };
  }
  return { kind: 'running', instance: { ...current, url: current.url } };
}

/** chDB's own words for a folder another process holds, explained. */
export function explainStoreOpenError(dataDir: string, err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  if (/Failed to create connection|Cannot lock file|is locked/i.test(raw)) {
    return `cannot open ${dataDir}: another process holds it (chDB opens a data folder in one process only) — a \`sonde up\` for this folder that left no instance file, or another \`sonde query\`? (chDB: ${raw.split('\n')[0]})`;
  }
  return raw;
}
