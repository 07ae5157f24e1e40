import 'reflect-metadata';
import { BusModule } from '@sonde/bus/bus.module';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { TargetAssignmentModule } from '@sonde/bus/target-assignment.module';
import { runService } from '@sonde/runtime/run-service.main';
import { stateConfigSchema } from '@sonde/state/state.config';
import { StateModule } from '@sonde/state/state.module';
import { snmpPollerConfigSchema } from './snmp-poller.config';
import { SnmpPollerModule } from './snmp-poller.module';

void runService({
  service: 'snmp-poller',
  sections: { bus: busConfigSchema, state: stateConfigSchema, snmpPoller: snmpPollerConfigSchema },
  imports: (config) => [
    BusModule.forRoot(config.bus),
    // replicas at one site share the targets (bus.type kafka); memory bus: this process owns all
    TargetAssignmentModule.forRoot(config.bus, { service: 'snmp-poller', site: config.site }),
    StateModule.forRoot(config.state),
    SnmpPollerModule.forRoot(config.snmpPoller),
  ],
});
