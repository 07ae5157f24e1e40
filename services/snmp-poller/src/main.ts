import 'reflect-metadata';
import { BusModule } from '@sonde/bus/bus.module';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { runService } from '@sonde/runtime/run-service.main';
import { stateConfigSchema } from '@sonde/state/state.config';
import { StateModule } from '@sonde/state/state.module';
import { snmpPollerConfigSchema } from './snmp-poller.config';
import { SnmpPollerModule } from './snmp-poller.module';

void runService({
  service: 'snmp-poller',
  sections: { bus: busConfigSchema, state: stateConfigSchema, snmpPoller: snmpPollerConfigSchema },
  imports: (config) => [BusModule.forRoot(config.bus), StateModule.forRoot(config.state), SnmpPollerModule.forRoot(config.snmpPoller)],
});
