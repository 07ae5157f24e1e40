import 'reflect-metadata';
import { BusModule } from '@sonde/bus/bus.module';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { runService } from '@sonde/runtime/run-service.main';
import { storeConfigSchema } from '@sonde/store/store.config';
import { StoreModule } from '@sonde/store/store.module';
import { eventWriterConfigSchema } from './event-writer.config';
import { EventWriterModule } from './event-writer.module';

void runService({
  service: 'event-writer',
  sections: { bus: busConfigSchema, store: storeConfigSchema, eventWriter: eventWriterConfigSchema },
  imports: (config) => [BusModule.forRoot(config.bus), StoreModule.forRoot(config.store), EventWriterModule.forRoot(config.eventWriter)],
});
