import 'reflect-metadata';
import { BusModule } from '@sonde/bus/bus.module';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { TargetAssignmentModule } from '@sonde/bus/target-assignment.module';
import { runService } from '@sonde/runtime/run-service.main';
import { stateConfigSchema } from '@sonde/state/state.config';
import { StateModule } from '@sonde/state/state.module';
import { rmonCollectorConfigSchema } from './rmon-collector.config';
import { RmonCollectorModule } from './rmon-collector.module';

void runService({
  service: 'rmon-collector',
  sections: { bus: busConfigSchema, state: stateConfigSchema, rmonCollector: rmonCollectorConfigSchema },
  imports: (config) => [
    BusModule.forRoot(config.bus),
    // the same sharding as the snmp-poller: replicas at a site split the probes (bus.type kafka)
    TargetAssignmentModule.forRoot(config.bus, { service: 'rmon-collector', site: config.site }),
    StateModule.forRoot(config.state),
    RmonCollectorModule.forRoot(config.rmonCollector),
  ],
});
