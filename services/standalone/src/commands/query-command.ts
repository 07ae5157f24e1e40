import { existsSync } from 'node:fs';
import path from 'node:path';
import { createEventStore } from '@sonde/store/clickhouse/create-event-store';
import { readInstanceFile } from '../instance-file';
import { formatTable } from '../status/format-table';

export interface QueryOptions {
  data: string;
  json?: boolean;
}

/**
 * `sonde query "<SQL>"`: through the running `sonde up` of this data folder (chDB belongs to
 * one process), or, when none runs, by opening the data folder itself.
 */
export async function runQuery(sql: string, options: QueryOptions): Promise<number> {
  const dataDir = path.resolve(options.data);
  let rows: Record<string, unknown>[];
  const running = readInstanceFile(dataDir);
  if (running) {
    const res = await fetch(`${running.url}/api/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql }),
    });
    const body = (await res.json()) as unknown;
    if (!res.ok) {
      const message = (body as { message?: unknown }).message;
      process.stderr.write(`sonde query: ${typeof message === 'string' ? message : JSON.stringify(body)}\n`);
      return 1;
    }
    rows = body as Record<string, unknown>[];
  } else {
    const chdbPath = path.join(dataDir, 'chdb');
    if (!existsSync(chdbPath)) {
      process.stderr.write(`sonde query: no running \`sonde up\` and no data in ${chdbPath} (start one with \`sonde up\`)\n`);
      return 1;
    }
    const store = createEventStore({ type: 'chdb', chdb: { path: chdbPath } });
    try {
      rows = await store.query(sql);
    } catch (err) {
      process.stderr.write(`sonde query: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    } finally {
      await store.close();
    }
  }
  process.stdout.write(options.json ? rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '') : `${formatTable(rows)}\n`);
  return 0;
}
