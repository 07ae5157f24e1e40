import { describe, expect, it } from '@jest/globals';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { METRICS_REGISTRY } from '@sonde/telemetry/telemetry.tokens';
import { Registry } from 'prom-client';
import { BatchLog, metricEvents, waitFor } from './event-bus.contract';
import type { EventBus } from './event-bus';
import { BusModule, EVENT_BUS } from './bus.module';
import { MemoryEventBus } from './memory/memory-event-bus';

describe('BusModule', () => {
  it('provides the adapter bus.type names, counts into the shared registry, and closes it on shutdown', async () => {
    const registry = new Registry();
    @Global()
    @Module({ providers: [{ provide: METRICS_REGISTRY, useValue: registry }], exports: [METRICS_REGISTRY] })
    class FakeTelemetry {}
    const app = await NestFactory.createApplicationContext(
      { module: class App {}, imports: [FakeTelemetry, BusModule.forRoot({ type: 'memory' })] },
      { logger: false },
    );
    const bus = app.get<EventBus>(EVENT_BUS);
    expect(bus).toBeInstanceOf(MemoryEventBus);
    const log = new BatchLog('module');
    await bus.subscribe({ group: 'g', families: ['snmp'], handler: log.handler, maxBatchWaitMs: 1 });
    await bus.publish(metricEvents('module', 'd', 3));
    await waitFor('3 events', () => log.ids().size === 3, 2_000);
    expect(await registry.getSingleMetricAsString('sonde_bus_published_total')).toContain('sonde_bus_published_total{adapter="memory",via="queue"} 3');
    await app.close();
    await expect(bus.publish(metricEvents('module', 'd', 1))).rejects.toThrow('closed');
  });
});
