import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * What a running `sonde up` leaves so `sonde query`/`status` can reach it: a file in its data
 * folder (`sonde-up.json`), and the same record in a per-user runtime folder, so a command run
 * without `--data`, or from another directory, still finds it whatever its port and folder.
 */
export interface RunningInstance {
  pid: number;
  /** `starting` from boot until the local API listens; `url` is set once `ready`. */
  state: 'starting' | 'ready';
  url?: string;
  /** absolute */
  dataDir: string;
  startedAt: number;
}

const FILE = 'sonde-up.json';

/** One folder per user: `sonde up`s of other users are not ours to query. */
export function runtimeDir(): string {
  return path.join(tmpdir(), `sonde-${process.getuid?.() ?? 'user'}`, 'instances');
}

export function writeInstanceFile(instance: RunningInstance, registry = runtimeDir()): void {
  mkdirSync(instance.dataDir, { recursive: true });
  writeFileSync(path.join(instance.dataDir, FILE), JSON.stringify(instance));
  mkdirSync(registry, { recursive: true });
  writeFileSync(path.join(registry, `${instance.pid}.json`), JSON.stringify(instance));
}

export function removeInstanceFile(dataDir: string, pid = process.pid, registry = runtimeDir()): void {
  rmSync(path.join(dataDir, FILE), { force: true });
  rmSync(path.join(registry, `${pid}.json`), { force: true });
}

/** A pid that exists (EPERM: it exists, it is another user's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readRecord(file: string): RunningInstance | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunningInstance>;
    if (typeof parsed.pid !== 'number' || typeof parsed.dataDir !== 'string') return undefined;
    if (!alive(parsed.pid)) return undefined;
    const state = parsed.state === 'starting' ? 'starting' : 'ready';
    return {
      pid: parsed.pid,
      state,
      ...(typeof parsed.url === 'string' ? { url: parsed.url } : {}),
      dataDir: parsed.dataDir,
      startedAt: parsed.startedAt ?? 0,
    };
  } catch {
    return undefined;
  }
}

/** The running instance for this data folder, or undefined (a stale file of a dead pid is ignored). */
export function readInstanceFile(dataDir: string): RunningInstance | undefined {
  const file = path.join(dataDir, FILE);
  return existsSync(file) ? readRecord(file) : undefined;
}

/** Every running `sonde up` of this user, oldest first. */
export function runningInstances(registry = runtimeDir()): RunningInstance[] {
  if (!existsSync(registry)) return [];
  return readdirSync(registry)
    .filter((f) => f.endsWith('.json'))
    .map((f) => readRecord(path.join(registry, f)))
    .filter((r): r is RunningInstance => r !== undefined)
    .sort((a, b) => a.startedAt - b.startedAt);
}
