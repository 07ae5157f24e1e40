import 'reflect-metadata';
import { BusModule } from '@sonde/bus/bus.module';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { runService } from '@sonde/runtime/run-service.main';
import { mibConfigSchema } from '@sonde/snmp/mib/mib.config';
import { trapReceiverConfigSchema } from './trap-receiver.config';
import { TrapReceiverModule } from './trap-receiver.module';

void runService({
  service: 'trap-receiver',
  sections: { bus: busConfigSchema, mib: mibConfigSchema, trapReceiver: trapReceiverConfigSchema },
  imports: (config) => [BusModule.forRoot(config.bus), TrapReceiverModule.forRoot(config.trapReceiver, config.mib)],
});
