import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BusModule } from '@sonde/bus/bus.module';
import { EVENT_BUS } from '@sonde/bus/bus.tokens';
import type { EventBus } from '@sonde/bus/event-bus';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { InventoryModule } from '@sonde/inventory/inventory.module';
import { TelemetryModule } from '@sonde/telemetry/telemetry.module';
import { METRICS_REGISTRY } from '@sonde/telemetry/telemetry.tokens';
import type { Registry } from 'prom-client';
import { Writable } from 'node:stream';
import { SyslogReceiver } from '../src/syslog-receiver';
import { syslogReceiverConfigSchema } from '../src/syslog-receiver.config';
import { SyslogReceiverModule } from '../src/syslog-receiver.module';
import { runLogger } from './syslog-peers';

// The whole wiring as main.ts and `sonde up` do it: telemetry, inventory, the memory bus adapter.
describe('SyslogReceiverModule (Nest wiring)', () => {
  let app: INestApplicationContext;
  const events: SondeEvent[] = [];

  beforeAll(async () => {
    @Module({
      imports: [
        TelemetryModule.forRoot({ service: 'syslog-receiver', site: 'lab', instance: 'syslog-1', logDestination: new Writable({ write: (_c, _e, cb) => cb() }) }),
        InventoryModule.forRoot({ site: 'lab', sites: {}, credentials: {}, devices: [{ id: 'fw-1', address: '127.0.0.1', site: 'lab', tags: [] }] }),
        BusModule.forRoot({ type: 'memory' }),
        SyslogReceiverModule.forRoot(
          syslogReceiverConfigSchema.parse({ udp: { hosts: ['127.0.0.1'], port: 0 }, tcp: { enabled: false } }),
        ),
      ],
    })
    class Root {}
    app = await NestFactory.createApplicationContext(Root, { logger: false });
    await app.init();
    await app.get<EventBus>(EVENT_BUS).subscribe({ group: 'test', families: ['syslog'], handler: async (b) => void events.push(...b.events), maxBatchWaitMs: 5 });
  });
  afterAll(() => app.close());

  it('boots, listens, publishes syslog.message events with the site/instance identity, exposes metrics', async () => {
    const receiver = app.get(SyslogReceiver);
    const [port] = receiver.udpPorts;
    runLogger(['--udp', '--server', '127.0.0.1', '--port', String(port), '--rfc3164', '-t', 'fw', 'hello from logger']);
    const until = Date.now() + 10_000;
    while (events.length < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(events[0]).toMatchObject({ kind: 'syslog.message', site: 'lab', collector: 'syslog-1', device: { id: 'fw-1' }, payload: { message: 'hello from logger' } });
    const text = await app.get<Registry>(METRICS_REGISTRY).metrics();
    expect(text).toMatch(/sonde_syslog_published_total\{[^}]*\} 1/);
    expect(text).toMatch(/sonde_syslog_udp_kernel_drops\{[^}]*\} 0/);
  });
});
