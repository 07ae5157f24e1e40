import { Module, type DynamicModule } from '@nestjs/common';
import { pollServiceProviders } from '@sonde/snmp/poll/poll-service.module';
import { RmonCollector } from './rmon-collector';
import { rmonCollectorConfigSchema, type RmonCollectorConfig } from './rmon-collector.config';
import { RmonCollectorMetrics } from './rmon-collector.metrics';

/** Wires the RMON collector to the global bus, state, inventory and telemetry modules (ADR 0001), as every service on the poll engine. */
@Module({})
export class RmonCollectorModule {
  static forRoot(config: RmonCollectorConfig = rmonCollectorConfigSchema.parse(undefined)): DynamicModule {
    return {
      module: RmonCollectorModule,
      providers: pollServiceProviders(
        {
          name: 'rmon-collector',
          noun: 'probes',
          reassigned: 'rmon probes reassigned',
          engine: RmonCollector,
          // a probe has no section of its own under devices[]: the target rules decide
          overrides: () => undefined,
          create: (deps, registry) => {
            const ref: { collector?: RmonCollector } = {};
            const metrics = new RmonCollectorMetrics(registry, {
              probes: () => ref.collector?.supportSummary() ?? [],
              targets: () => ref.collector?.siteTargetCount ?? 0,
              owned: () => ref.collector?.targetCount ?? 0,
            });
            return (ref.collector = new RmonCollector({ ...deps, metrics }));
          },
          started: (collector, log) =>
            collector.startProbeConfig((r) => {
              if (r.created.length > 0 || r.removed.length > 0) log.info({ device: r.device, created: r.created, removed: r.removed }, 'probe rows reconciled');
            }),
        },
        config,
      ),
      exports: [RmonCollector],
    };
  }
}
