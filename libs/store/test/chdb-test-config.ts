import os from 'node:os';
import path from 'node:path';
import type { StoreConfigInput } from '../src/store.config';

/**
 * chDB binds one data folder per process, and jest reuses a worker process across test files:
 * every chDB test in a process shares one folder, and each test file takes its own database.
 */
export function chdbTestConfig(database: string, extra: StoreConfigInput = {}): StoreConfigInput {
  return {
    ...extra,
    type: 'chdb',
    database,
    chdb: { path: path.join(os.tmpdir(), `sonde-store-chdb-${process.pid}`) },
    retry: { retries: 0 },
  };
}
