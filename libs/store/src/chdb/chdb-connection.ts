import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ClickHouseLogLevel, createClient, parseError, type ClickHouseClientConfigOptions, type ClickHouseSettings } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { EncodedFormat } from '../clickhouse/insert-body';
import { identifier, INSERT_FILES, insertInto, stringLiteral } from '../clickhouse/insert-statement';
import type { EncodedInsert, StoreConnection } from '../clickhouse/store-connection';
import type { StoreConfig } from '../store.config';

/**
 * Embedded ClickHouse (chDB, the 26.x engine in-process) behind the same @clickhouse/client.
 * chDB binds one data folder per process: a second store on another path fails while one is open.
 */
export function createChdbStoreConnection(config: StoreConfig): StoreConnection {
  const dir = path.resolve(config.chdb.path);
  mkdirSync(dir, { recursive: true });
  // chdb types its Connection against @clickhouse/client-common, the client bundles its own copy
  // of the same interface; they are the same contract (chdb/connection docs), not the same type.
  const chdb = createChdbConnection({ path: dir });
  const connection = chdb as unknown as NonNullable<ClickHouseClientConfigOptions['connection']>;
  return {
    client: createClient({ connection, log: { level: ClickHouseLogLevel.OFF } }),
    target: { type: 'chdb', where: `chdb:${dir}` },
    insertEncoded: fileInsert(chdb, dir),
  };
}

/**
 * `INSERT INTO t (columns) FROM INFILE '<file>' SETTINGS … FORMAT <Native|JSONCompactEachRow>`: the
 * body is written to a file in the data folder's `sonde-insert/` and the engine reads it from
 * there. chdb's raw insert (the bytes handed over inline) takes text formats only, and parses the
 * same JSON 1.35-1.55x slower with more CPU than the engine reading it from a file
 * (bench/store/format-bench.ts, RESULTS.md).
 * The settings are the statement's own, not session-wide SETs as through the client. Errors are
 * reshaped like the connection's (`Code: N. DB::Exception …` → ClickHouseError with its code), so
 * the store classifies them as for any other statement. The file is removed after the insert,
 * whatever its outcome; one left by a killed process is removed when the store opens again.
 */
function fileInsert(chdb: ReturnType<typeof createChdbConnection>, dir: string): EncodedInsert {
  const files = path.join(dir, INSERT_FILES);
  mkdirSync(files, { recursive: true });
  // chDB binds a data folder to one process: a file of another pid is a killed process's leftover
  for (const name of readdirSync(files)) if (!name.startsWith(`${process.pid}-`)) rmSync(path.join(files, name), { force: true });
  return async (table, columns, body, format, settings) => {
    const file = path.join(files, `${process.pid}-${++insertSeq}.${format}`);
    try {
      await writeFile(file, body);
      await chdb.chdb.queryAsync(insertFromFile(table, columns, file, format, settings));
    } catch (err) {
      const mapped = parseError(err instanceof Error && err.message ? err.message : String(err));
      if (mapped !== err) (mapped as Error & { cause?: unknown }).cause = err;
      throw mapped;
    } finally {
      await rm(file, { force: true });
    }
  };
}

/** Per process, not per connection: two stores opened in one process never share a file name. */
let insertSeq = 0;

export function insertFromFile(table: string, columns: readonly string[], file: string, format: EncodedFormat, settings: ClickHouseSettings): string {
  const entries = Object.entries(statementSettings(settings)).map(([k, v]) => `${identifier(k)} = ${typeof v === 'string' ? stringLiteral(v) : Number(v)}`);
  const settingsClause = entries.length ? ` SETTINGS ${entries.join(', ')}` : '';
  return `${insertInto(table, columns)} FROM INFILE ${stringLiteral(file)}${settingsClause} FORMAT ${format}`;
}


function statementSettings(settings: ClickHouseSettings): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(settings)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  return out;
}
