import { Global, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { InventoryModule } from '@sonde/inventory/inventory.module';
import { loadConfig } from '@sonde/inventory/load-config';
import { LabAgent } from '@sonde/lab/lab-agent';
import { labTestDevice } from '@sonde/lab/lab-test-device';
import { MemoryStateStore } from '@sonde/state/memory/memory-state-store';
import { TelemetryModule } from '@sonde/telemetry/telemetry.module';
import { SONDE_INVENTORY } from '@sonde/inventory/inventory.tokens';
import type { Inventory } from '@sonde/inventory/inventory';
import { SnmpPoller } from '../src/snmp-poller';
import { snmpWalk } from '../src/snmp-walk-command';
import { snmpPollerConfigSchema } from '../src/snmp-poller.config';
import { SnmpPollerModule } from '../src/snmp-poller.module';
import { RecordingBus } from './poller-fixture';

// The Nest shell end to end: config file text → inventory (secrets from env) → SnmpPollerModule
// → lab agents over v2c and v3 → events on the EVENT_BUS token, metrics on /metrics.
const bus = new RecordingBus();

@Global()
@Module({ providers: [{ provide: 'EVENT_BUS', useValue: bus }, { provide: 'STATE_STORE', useValue: new MemoryStateStore() }], exports: ['EVENT_BUS', 'STATE_STORE'] })
class TestAdaptersModule {}

let app: INestApplication;
let agents: LabAgent[] = [];

beforeAll(async () => {
  const users = [{ name: 'ops', level: 'authPriv' as const, authProtocol: 'sha256' as const, authKey: 'ops-auth-key', privProtocol: 'aes' as const, privKey: 'ops-priv-key' }];
  agents = await Promise.all([
    LabAgent.start({ device: labTestDevice({ id: 'r1', name: 'r1' }), address: '127.0.0.2', community: 'lab-community', users }),
    LabAgent.start({ device: labTestDevice({ id: 'r2', name: 'r2' }), address: '127.0.0.3', community: 'lab-community', users }),
  ]);
  const config = loadConfig({
    text: `
site: lab
credentials:
  v2: { type: snmp-community, community: { env: COMMUNITY } }
  v3: { type: snmp-usm, user: ops, authProtocol: sha256, authKey: { env: AUTH }, privProtocol: aes, privKey: { env: PRIV } }
devices:
  - { id: r1, address: 127.0.0.2, snmp: { version: v2c, port: ${agents[0]!.port}, credential: v2 } }
  - { id: r2, address: 127.0.0.3, snmp: { version: v3, port: ${agents[1]!.port}, credential: v3 } }
  - { id: no-snmp, address: 127.0.0.9 }
snmpPoller:
  intervalMs: 1000
  jitter: 0
`,
    env: { COMMUNITY: 'lab-community', AUTH: 'ops-auth-key', PRIV: 'ops-priv-key' },
    sections: { snmpPoller: snmpPollerConfigSchema },
  });
  @Module({
    imports: [
      TelemetryModule.forRoot({ service: 'snmp-poller', site: 'lab', instance: 'test-0', config: { logLevel: 'silent' } }),
      InventoryModule.forRoot(config),
      TestAdaptersModule,
      SnmpPollerModule.forRoot(config.snmpPoller),
    ],
  })
  class AppModule {}
  app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
});

afterAll(async () => {
  await app?.close();
  await Promise.all(agents.map((a) => a.close()));
});

it('polls the inventory devices on schedule, publishes events and exposes version accounting', async () => {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && (bus.status('r1').snmp_poll_reachable === undefined || bus.status('r2').snmp_poll_reachable === undefined)) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(bus.status('r1').snmp_poll_reachable).toMatchObject({ value: 1, labels: { version: 'v2c', security_level: 'noAuthNoPriv' } });
  expect(bus.status('r2').snmp_poll_reachable).toMatchObject({ value: 1, labels: { version: 'v3', security_level: 'authPriv' } });
  expect(bus.events.every((e) => e.site === 'lab' && e.collector === 'test-0')).toBe(true);
  expect(bus.events.some((e) => e.device.id === 'no-snmp')).toBe(false);

  expect(app.get(SnmpPoller).versionSummary().byVersion).toEqual({ v1: 0, v2c: 1, v3: 1 });
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  expect(metrics).toMatch(/sonde_snmp_poller_devices\{version="v3",security_level="authPriv"[^}]*\} 1/);
  expect(metrics).toMatch(/sonde_snmp_poller_devices\{version="v2c",security_level="noAuthNoPriv"[^}]*\} 1/);
  expect(metrics).toMatch(/sonde_snmp_poller_targets\{[^}]*\} 2/);
  expect(metrics).not.toContain('ops-priv-key');
});

it('sonde walk resolves a device id through the inventory (its v3 credential from env)', async () => {
  const rows = await snmpWalk({ target: 'r2', oid: '1.3.6.1.2.1.1', inventory: app.get<Inventory>(SONDE_INVENTORY), config: snmpPollerConfigSchema.parse({}) });
  expect(rows.find((r) => r.oid === '1.3.6.1.2.1.1.5.0')).toMatchObject({ type: 'OctetString', value: 'r2' });
});
