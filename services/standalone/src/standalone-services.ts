import type { DynamicModule } from '@nestjs/common';
import type { z } from 'zod';
import { eventWriterConfigSchema } from '@sonde/event-writer/event-writer.config';
import { EventWriterModule } from '@sonde/event-writer/event-writer.module';

/**
 * Every service `sonde up` runs in its one process, keyed by its config section. A service
 * plugs into `sonde up` by adding one entry here (the collector issues do).
 */
export interface StandaloneService {
  /** The service's name, as in `services/<name>`. */
  name: string;
  schema: z.ZodType;
  module(section: unknown): DynamicModule;
}

export const STANDALONE_SERVICES = {
  eventWriter: {
    name: 'event-writer',
    schema: eventWriterConfigSchema,
    module: (section: unknown) => EventWriterModule.forRoot(eventWriterConfigSchema.parse(section)),
  },
} satisfies Record<string, StandaloneService>;

export type StandaloneSectionKey = keyof typeof STANDALONE_SERVICES;
