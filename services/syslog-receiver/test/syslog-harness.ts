import { busConfigSchema } from '@sonde/bus/bus.config';
import { BusMetrics } from '@sonde/bus/bus.metrics';
import type { EventBatch } from '@sonde/bus/event-bus';
import { MemoryEventBus } from '@sonde/bus/memory/memory-event-bus';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { Inventory } from '@sonde/inventory/inventory';
import { Registry } from 'prom-client';
import { SyslogReceiver, type SyslogListening } from '../src/syslog-receiver';
import { syslogReceiverConfigSchema, type SyslogReceiverConfigInput } from '../src/syslog-receiver.config';
import { SyslogReceiverMetrics } from '../src/syslog-receiver.metrics';

export type SyslogEvent = Extract<SondeEvent, { kind: 'syslog.message' }>;

/**
 * A receiver on loopback, free ports, publishing to a real MemoryEventBus whose subscriber
 * collects what arrives (the same path the event-writer takes in `sonde up`).
 */
export class SyslogHarness {
  readonly events: SyslogEvent[] = [];
  readonly warnings: { fields: Record<string, unknown>; msg: string }[] = [];
  readonly registry = new Registry();
  readonly metrics = new SyslogReceiverMetrics(this.registry);
  bus!: MemoryEventBus;
  receiver!: SyslogReceiver;
  listening!: SyslogListening;
  /** resolves the subscriber's handler; tests that want a slow bus replace it */
  handler: (batch: EventBatch) => Promise<void> = async (batch) => {
    for (const e of batch.events) if (e.kind === 'syslog.message') this.events.push(e);
  };

  static async start(config: SyslogReceiverConfigInput, bus: { queueCapacity?: number; publishTimeoutMs?: number } = {}): Promise<SyslogHarness> {
    const h = new SyslogHarness();
    const busConfig = busConfigSchema.parse({ memory: bus });
    h.bus = new MemoryEventBus(busConfig, { metrics: new BusMetrics(new Registry()) });
    await h.bus.subscribe({ group: 'test', families: ['syslog'], handler: (b) => h.handler(b), maxBatchWaitMs: 5 });
    const inventory = new Inventory({
      site: 'lab',
      sites: {},
      credentials: {},
      devices: [{ id: 'router-1', name: 'Router 1', address: '127.0.0.1', site: 'lab', tags: [] }],
    });
    h.receiver = new SyslogReceiver(
      syslogReceiverConfigSchema.parse({
        ...config,
        udp: { hosts: ['127.0.0.1'], port: 0, ...config.udp },
        tcp: { hosts: ['127.0.0.1'], port: 0, ...config.tcp },
        tls: { hosts: ['127.0.0.1'], port: 0, ...config.tls },
      }),
      {
        bus: h.bus,
        resolver: inventory,
        counts: h.metrics,
        log: { warn: (fields, msg) => h.warnings.push({ fields, msg }) },
        origin: { site: 'lab', collector: 'syslog-test' },
        gauges: {
          connections: (t, d) => h.metrics.connections.inc({ transport: t }, d),
          paused: (t, d) => h.metrics.pausedConnections.inc({ transport: t }, d),
          closed: (t, reason) => h.metrics.connectionsClosed.inc({ transport: t, reason }),
        },
      },
    );
    try {
      h.listening = await h.receiver.start();
    } catch (err) {
      // the receiver cleaned up after itself; the bus's subscription would keep jest from exiting
      await h.bus.close();
      throw err;
    }
    return h;
  }

  async waitFor(n: number, timeoutMs = 20_000): Promise<SyslogEvent[]> {
    const until = Date.now() + timeoutMs;
    while (this.events.length < n) {
      if (Date.now() > until) throw new Error(`expected ${n} syslog events, got ${this.events.length}: ${JSON.stringify(this.events.map((e) => e.payload.message))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.events;
  }

  async counter(name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = await this.registry.getSingleMetric(name)?.get();
    return (metric?.values ?? [])
      .filter((v) => Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val))
      .reduce((sum, v) => sum + v.value, 0);
  }

  async stop(): Promise<void> {
    await this.receiver.stop();
    await this.bus.close();
  }
}
