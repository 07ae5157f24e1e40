import { existsSync } from 'node:fs';
import path from 'node:path';
import { createEventStore } from '@sonde/store/clickhouse/create-event-store';
import { formatTable } from '../status/format-table';
import { explainStoreOpenError, locateStore } from '../store-locator';

export interface QueryOptions {
  /** undefined = find the running `sonde up` wherever its folder is, else ./.sonde-data */
  data?: string;
  json?: boolean;
  /** tests: where running instances register, how long to wait for one still starting */
  registry?: string;
  waitMs?: number;
}

/**
 * `sonde query "<SQL>"`: through the running `sonde up` (chDB belongs to one process), found
 * from its data folder whatever its port, or, when none runs, by opening the data folder itself.
 * Says on stderr which store it read when that is not the obvious one.
 */
export async function runQuery(sql: string, options: QueryOptions): Promise<number> {
  const fail = (message: string) => {
    process.stderr.write(`sonde query: ${message}\n`);
    return 1;
  };
  const where = await locateStore(options.data, { ...(options.registry ? { registry: options.registry } : {}), ...(options.waitMs !== undefined ? { waitMs: options.waitMs } : {}) });
  if (where.kind === 'error') return fail(where.message);
  if (where.note) process.stderr.write(`sonde query: ${where.note}\n`);
  let rows: Record<string, unknown>[];
  if (where.kind === 'running') {
    const { url, pid, dataDir } = where.instance;
    let res: Response;
    try {
      res = await fetch(`${url}/api/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql }) });
    } catch (err) {
      return fail(`the \`sonde up\` of ${dataDir} (pid ${pid}) did not answer at ${url}: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`);
    }
    const body = (await res.json().catch(() => ({ message: `${url} answered ${res.status} without JSON` }))) as unknown;
    if (!res.ok) {
      const message = (body as { message?: unknown }).message;
      return fail(typeof message === 'string' ? message : JSON.stringify(body));
    }
    rows = body as Record<string, unknown>[];
  } else {
    const chdbPath = path.join(where.dataDir, 'chdb');
    if (!existsSync(chdbPath)) return fail(`no running \`sonde up\` and no data in ${chdbPath} (start one with \`sonde up\`)`);
    let store;
    try {
      store = createEventStore({ type: 'chdb', chdb: { path: chdbPath } });
      rows = await store.query(sql);
    } catch (err) {
      return fail(explainStoreOpenError(chdbPath, err));
    } finally {
      await store?.close();
    }
  }
  process.stdout.write(options.json ? rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '') : `${formatTable(rows)}\n`);
  return 0;
}
