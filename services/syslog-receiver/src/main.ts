import 'reflect-metadata';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { BusModule } from '@sonde/bus/bus.module';
import { runService } from '@sonde/runtime/run-service.main';
import { syslogReceiverConfigSchema } from './syslog-receiver.config';
import { SyslogReceiverModule } from './syslog-receiver.module';

void runService({
  service: 'syslog-receiver',
  sections: { bus: busConfigSchema, syslogReceiver: syslogReceiverConfigSchema },
  imports: (config) => [BusModule.forRoot(config.bus), SyslogReceiverModule.forRoot(config.syslogReceiver)],
});
