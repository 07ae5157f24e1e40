import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Registry } from 'prom-client';
import type { BatchWriter } from '../src/batch-writer';
import type { EventStore } from '../src/event-store';
import { StoreError } from '../src/store-error';
import { EVENT_STORE, STORE_BATCH_WRITER, StoreModule } from '../src/store.module';
import { chdbTestConfig } from './chdb-test-config';
import { sampleEvents } from './sample-events';

const DB = `store_module_${process.pid}`;
const registry = new Registry();

const checks = new Map<string, () => Promise<{ ok: boolean; detail?: string }>>();

/** Stands in for TelemetryModule's METRICS_REGISTRY and HEALTH_CHECKS (ADR 0001). */
@Global()
@Module({
  providers: [
    { provide: 'METRICS_REGISTRY', useValue: registry },
    { provide: 'HEALTH_CHECKS', useValue: { register: (name: string, check: () => Promise<{ ok: boolean }>) => checks.set(name, check) } },
  ],
  exports: ['METRICS_REGISTRY', 'HEALTH_CHECKS'],
})
class TestTelemetryModule {}

describe('StoreModule on chDB', () => {
  it('migrates on init, registers a readiness check, writes through EVENT_STORE and the batch writer, counts rows, closes on shutdown', async () => {
    const app = await NestFactory.createApplicationContext(
      { module: class App {}, imports: [TestTelemetryModule, StoreModule.forRoot(chdbTestConfig(DB, { batch: { maxEvents: 100, lingerMs: 10 } }))] },
      { logger: false },
    );
    await app.init();
    const store = app.get<EventStore>(EVENT_STORE);
    const tables = await store.query<{ name: string }>(`SELECT name FROM system.tables WHERE database = '${DB}' AND name = 'snmp_metric'`);
    expect(tables).toEqual([{ name: 'snmp_metric' }]);

    expect(await checks.get('store')?.()).toEqual({ ok: true });

    const writer = app.get<BatchWriter>(STORE_BATCH_WRITER);
    const events = sampleEvents();
    for (const e of events) writer.write(e);
    await writer.flush();
    const [row] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${DB}.snmp_metric WHERE id = '${events[1]!.id}'`);
    expect(row?.n).toBe('2');
    expect(await registry.getSingleMetricAsString('sonde_store_rows_inserted_total')).toContain('table="snmp_metric"} 2');

    await store.query(`DROP DATABASE ${DB}`).catch(() => undefined);
    await app.close();
    await expect(store.ping()).rejects.toBeInstanceOf(StoreError);
    expect(await checks.get('store')?.()).toMatchObject({ ok: false });
  });
});
