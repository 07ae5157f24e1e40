import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What a running `sonde up` leaves in its data folder so `sonde query`/`status` can reach it. */
export interface RunningInstance {
  pid: number;
  url: string;
  startedAt: number;
}

const FILE = 'sonde-up.json';

export function writeInstanceFile(dataDir: string, instance: RunningInstance): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path.join(dataDir, FILE), JSON.stringify(instance));
}

export function removeInstanceFile(dataDir: string): void {
  rmSync(path.join(dataDir, FILE), { force: true });
}

/** The running instance for this data folder, or undefined (a stale file of a dead pid is ignored). */
export function readInstanceFile(dataDir: string): RunningInstance | undefined {
  const file = path.join(dataDir, FILE);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunningInstance>;
    if (typeof parsed.pid !== 'number' || typeof parsed.url !== 'string') return undefined;
    process.kill(parsed.pid, 0);
    return { pid: parsed.pid, url: parsed.url, startedAt: parsed.startedAt ?? 0 };
  } catch {
    return undefined;
  }
}
