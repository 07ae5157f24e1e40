import { Global, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Writable } from 'node:stream';
import type { EventBus } from '@sonde/bus/event-bus';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { InventoryModule } from '@sonde/inventory/inventory.module';
import { loadConfig } from '@sonde/inventory/load-config';
import { mibConfigSchema } from '@sonde/snmp/mib/mib.config';
import { TelemetryModule } from '@sonde/telemetry/telemetry.module';
import { METRICS_REGISTRY } from '@sonde/telemetry/telemetry.tokens';
import type { Registry } from 'prom-client';
import { TrapRuntime } from '../src/trap.listener';
import { trapReceiverConfigSchema } from '../src/trap-receiver.config';
import { TrapReceiverModule } from '../src/trap-receiver.module';
import { netSnmp } from './trap-peers';

// The wiring main.ts does (telemetry, inventory with credentials, the module), with a small
// collecting EventBus on the ADR 0001 token in place of libs/bus's BusModule.
const events: SondeEvent[] = [];
const bus: EventBus = {
  publish: async (e) => void events.push(...e),
  subscribe: async () => { throw new Error('unused'); },
  health: async () => ({ ok: true, detail: '', pending: 0 }),
  close: async () => {},
};
@Global()
@Module({ providers: [{ provide: 'EVENT_BUS', useValue: bus }], exports: ['EVENT_BUS'] })
class CollectingBusModule {}

const CONFIG = `
site: lab
credentials:
  trap-public: { type: snmp-community, community: { env: TRAP_COMMUNITY } }
  ops: { type: snmp-usm, user: ops, authProtocol: sha, authKey: { value: authpass-123 }, privProtocol: aes, privKey: { value: privpass-456 }, engineId: "8000000001020304" }
devices:
  - { id: sw-1, address: 127.0.0.1 }
trapReceiver:
  listen: [{ address: 127.0.0.1, port: 0 }]
  communities: [trap-public]
  users: [{ credential: ops }]
`;
const config = loadConfig({ text: CONFIG, env: { TRAP_COMMUNITY: 's3cret' }, sections: { trapReceiver: trapReceiverConfigSchema, mib: mibConfigSchema } });

describe('TrapReceiverModule (Nest wiring)', () => {
  let app: INestApplicationContext;

  beforeAll(async () => {
    @Module({
      imports: [
        TelemetryModule.forRoot({ service: 'trap-receiver', site: 'lab', instance: 'trap-1', logDestination: new Writable({ write: (_c, _e, cb) => cb() }) }),
        InventoryModule.forRoot(config),
        CollectingBusModule,
        TrapReceiverModule.forRoot(config.trapReceiver, config.mib),
      ],
    })
    class Root {}
    app = await NestFactory.createApplicationContext(Root, { logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  it('boots, receives v2c and v3 traps with credentials from the inventory, exposes metrics', async () => {
    const runtime = app.get(TrapRuntime);
    const port = runtime.sockets.ports[0];
    expect((await netSnmp('snmptrap', ['-v', '2c', '-c', 's3cret', `127.0.0.1:${port}`, '1', '1.3.6.1.6.3.1.1.5.1'])).code).toBe(0);
    expect((await netSnmp('snmptrap', ['-v', '3', '-u', 'ops', '-l', 'authPriv', '-a', 'SHA', '-A', 'authpass-123', '-x', 'AES', '-X', 'privpass-456', '-e', '0x8000000001020304', `127.0.0.1:${port}`, '1', '1.3.6.1.6.3.1.1.5.2'])).code).toBe(0);
    const until = Date.now() + 10_000;
    while (events.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(events.map((e) => [e.kind, e.site, e.collector, e.device.id])).toEqual([
      ['snmp.trap', 'lab', 'trap-1', 'sw-1'],
      ['snmp.trap', 'lab', 'trap-1', 'sw-1'],
    ]);
    expect(JSON.stringify(events)).not.toContain('s3cret');
    const text = await app.get<Registry>(METRICS_REGISTRY).metrics();
    expect(text).toMatch(/sonde_trap_published_total\{[^}]*\} 2/);
    expect(text).toMatch(/sonde_trap_usm_localized_keys\{[^}]*\} 2/);
  });
});
