import { Module, type DynamicModule } from '@nestjs/common';
import { eventWriterConfigSchema, type EventWriterConfig } from './event-writer.config';
import { EVENT_WRITER_CONFIG, EventWriterConsumer } from './event-writer.consumer';

/** Consumes every event topic and stores the events (needs EVENT_BUS, EVENT_STORE, telemetry). */
@Module({})
export class EventWriterModule {
  static forRoot(config: Partial<EventWriterConfig> = {}): DynamicModule {
    return {
      module: EventWriterModule,
      providers: [{ provide: EVENT_WRITER_CONFIG, useValue: eventWriterConfigSchema.parse(config) }, EventWriterConsumer],
      exports: [EventWriterConsumer],
    };
  }
}
