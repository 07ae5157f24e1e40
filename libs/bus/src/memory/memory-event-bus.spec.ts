import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { busConfigSchema } from '../bus.config';
import { BusMetrics } from '../bus.metrics';
import { BatchLog, eventBusContract, metricEvents, waitFor } from '../event-bus.contract';
import type { EventBatch } from '../event-bus';
import { MemoryEventBus } from './memory-event-bus';

const newBus = (memory: Record<string, number> = {}, registry = new Registry()) =>
  new MemoryEventBus(busConfigSchema.parse({ memory, handlerRetryInitialMs: 10 }), { metrics: new BusMetrics(registry) });

describe('MemoryEventBus', () => {
  describe('EventBus contract', () => {
    eventBusContract(async () => newBus(), { waitMs: 5_000 });
  });

  it('makes publish wait while a group queue is full, then drops and rejects', async () => {
    const registry = new Registry();
    const bus = newBus({ queueCapacity: 10, publishTimeoutMs: 200 }, registry);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: EventBatch[] = [];
    await bus.subscribe({ group: 'slow', families: ['snmp'], maxBatchEvents: 5, maxBatchWaitMs: 1, handler: async (b) => { seen.push(b); await gate; } });
    await bus.publish(metricEvents('bp', 'd', 10)); // fills the queue (the first 5 are in flight)
    const waiting = bus.publish(metricEvents('bp', 'd', 5, 10));
    let settled = false;
    void waiting.then(() => (settled = true), () => (settled = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false); // backpressure: still waiting for room
    await expect(waiting).rejects.toThrow('stayed full');
    const drops = await registry.getSingleMetricAsString('sonde_bus_memory_queue_drops_total');
    expect(drops).toContain('sonde_bus_memory_queue_drops_total{group="slow"} 5');
    release();
    await bus.publish(metricEvents('bp', 'd', 5, 10)); // room again once the handler resolves
    await bus.close();
    expect(seen.map((b) => b.dedupToken)).toEqual(['memory/slow/0-4', 'memory/slow/5-9', 'memory/slow/10-14']);
  });

  it('hands the backlog of a family nobody subscribed to yet to the first group that does', async () => {
    const bus = newBus();
    const events = metricEvents('late', 'd', 3);
    await bus.publish(events);
    const log = new BatchLog('late');
    await bus.subscribe({ group: 'late', families: ['snmp'], handler: log.handler, maxBatchWaitMs: 1 });
    await waitFor('backlog', () => log.ids().size === 3, 2_000);
    expect(log.deduped()).toEqual(events);
    await bus.close();
  });

  it('lets a standby subscriber of the same group take over, from the batch left unfinished', async () => {
    const bus = newBus();
    const firstLog: string[] = [];
    const first = await bus.subscribe({
      group: 'g', families: ['snmp'], maxBatchEvents: 4, maxBatchWaitMs: 1,
      handler: async (b) => { firstLog.push(b.dedupToken); throw new Error('broken replica'); },
    });
    const second = new BatchLog('standby');
    await bus.subscribe({ group: 'g', families: ['snmp'], maxBatchEvents: 4, maxBatchWaitMs: 1, handler: second.handler });
    await bus.publish(metricEvents('standby', 'd', 8));
    await waitFor('a failed attempt', () => firstLog.length > 0, 2_000);
    await first.close();
    await waitFor('takeover', () => second.ids().size === 8, 2_000);
    expect(second.batches[0]!.dedupToken).toBe(firstLog[0]);
    await bus.close();
  });
});
