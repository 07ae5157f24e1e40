import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { createChdbStoreConnection } from '../src/chdb/chdb-connection';
import { createEventStore } from '../src/clickhouse/create-event-store';
import type { ClickHouseEventStore } from '../src/clickhouse/clickhouse-event-store';
import { encodeCompactRows } from '../src/clickhouse/compact-rows';
import { encodeInsertBody } from '../src/clickhouse/insert-body';
import type { EncodedInsert, StoreConnection } from '../src/clickhouse/store-connection';
import { batchRows } from '../src/rows/event-rows';
import { EVENT_TABLES } from '../src/schema/event-tables';
import { storeConfigSchema } from '../src/store.config';
import { chdbTestConfig } from './chdb-test-config';
import { arbitraryEvent } from '@sonde/testing/event-arbitraries';

// The store's Native encoder against the engine's own JSON parser: any valid events, mapped to
// rows once, go into one database as the store now sends them (Native where it encodes) and into
// another as JSONCompactEachRow (the store's format before), both on chDB. Every table must hold
// the same rows in both.
const NATIVE_DB = `native_it_${process.pid}`;
const JSON_DB = `json_it_${process.pid}`;
let native: ClickHouseEventStore;
let json: ClickHouseEventStore;
let raw: StoreConnection;
let insertEncoded: EncodedInsert;

beforeAll(async () => {
  native = createEventStore(chdbTestConfig(NATIVE_DB));
  json = createEventStore(chdbTestConfig(JSON_DB));
  await native.migrate();
  await json.migrate();
  raw = createChdbStoreConnection(storeConfigSchema.parse(chdbTestConfig(NATIVE_DB)));
  insertEncoded = raw.insertEncoded as EncodedInsert;
});

afterAll(async () => {
  await native.command(`DROP DATABASE IF EXISTS ${NATIVE_DB}`);
  await native.command(`DROP DATABASE IF EXISTS ${JSON_DB}`);
  // every connection on the folder closed, or chDB keeps it bound to this jest worker and the
  // next test file it runs cannot open another folder
  await raw.client.close();
  await native.close();
  await json.close();
});

/** Every row of a table as sorted JSON lines; floats + 0, since JSON cannot carry -0 (JSON.stringify(-0) is "0"). */
async function contents(store: ClickHouseEventStore, db: string, table: string): Promise<string[]> {
  const columns = await store.query<{ name: string; type: string }>(`SELECT name, type FROM system.columns WHERE database = '${db}' AND table = '${table}' ORDER BY position`);
  const select = columns.map(({ name, type }) => (/^(Nullable\()?Float64\)?$/.test(type) ? `\`${name}\` + 0 AS \`${name}\`` : `\`${name}\``)).join(', ');
  const rows = await store.query(`SELECT ${select} FROM ${db}.${table}`);
  return rows.map((r) => JSON.stringify(r)).sort();
}

describe('Native inserts into chDB', () => {
  it('store the same rows as JSONCompactEachRow for any valid events of every kind', async () => {
    const formats = new Map<string, Set<string>>();
    const now = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryEvent(now - 86_400_000, now), { minLength: 1, maxLength: 40 }), async (events) => {
        for (const { table, rows } of batchRows(events, now)) {
          const body = encodeInsertBody(table, rows);
          (formats.get(table) ?? formats.set(table, new Set()).get(table))?.add(body.format);
          await insertEncoded(`${NATIVE_DB}.${table}`, body.columns, body.body, body.format, {});
          const compact = encodeCompactRows(rows);
          await insertEncoded(`${JSON_DB}.${table}`, compact.columns, compact.body, 'JSONCompactEachRow', {});
        }
      }),
      { numRuns: 25, seed: 15 },
    );
    for (const { table } of EVENT_TABLES) {
      expect({ table, formats: [...(formats.get(table) ?? [])] }).toEqual({ table, formats: ['Native'] });
      const stored = await contents(native, NATIVE_DB, table);
      expect(stored.length).toBeGreaterThan(0);
      expect(stored).toEqual(await contents(json, JSON_DB, table));
    }
  });

  it('leaves no insert file behind, and removes one a killed process left when the store opens', async () => {
    const config = storeConfigSchema.parse(chdbTestConfig(NATIVE_DB));
    const files = path.join(config.chdb.path, 'sonde-insert');
    expect(readdirSync(files).filter((f) => f.startsWith(`${process.pid}-`))).toEqual([]);
    mkdirSync(files, { recursive: true });
    const leftover = path.join(files, '99999999-1.Native');
    writeFileSync(leftover, 'partial');
    const reopened = createChdbStoreConnection(config);
    expect(existsSync(leftover)).toBe(false);
    await reopened.client.close();
  });
});
