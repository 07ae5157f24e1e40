import { Module, type DynamicModule } from '@nestjs/common';
import { pollServiceProviders } from '@sonde/snmp/poll/poll-service.module';
import { SnmpPoller } from './snmp-poller';
import { snmpPollerConfigSchema, type SnmpPollerConfig } from './snmp-poller.config';
import { SnmpPollerMetrics } from './snmp-poller.metrics';

/** Wires the SNMP poller to the global bus, state, inventory and telemetry modules (ADR 0001), as every service on the poll engine. */
@Module({})
export class SnmpPollerModule {
  static forRoot(config: SnmpPollerConfig = snmpPollerConfigSchema.parse(undefined)): DynamicModule {
    return {
      module: SnmpPollerModule,
      providers: pollServiceProviders(
        {
          name: 'snmp-poller',
          noun: 'targets',
          reassigned: 'snmp targets reassigned',
          engine: SnmpPoller,
          create: (deps, registry) => {
            // the gauges read the poller lazily at scrape time; it exists by then
            const ref: { poller?: SnmpPoller } = {};
            const metrics = new SnmpPollerMetrics(registry, {
              versions: () => ref.poller?.versionSummary() ?? { devices: 0, byVersion: {}, rows: [] },
              pool: () => {
                const s = ref.poller?.pool.stats();
                return { open: s?.open ?? 0, sockets: s?.transport?.sockets ?? s?.open ?? 0, inFlight: s?.inFlight ?? 0, queued: s?.queued ?? 0 };
              },
              targets: () => ref.poller?.siteTargetCount ?? 0,
              owned: () => ref.poller?.targetCount ?? 0,
            });
            return (ref.poller = new SnmpPoller({ ...deps, metrics }));
          },
        },
        config,
      ),
      exports: [SnmpPoller],
    };
  }
}
