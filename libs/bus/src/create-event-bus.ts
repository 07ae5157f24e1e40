import type { BusLogger } from './bus-logger';
import type { BusConfig, BusConfigInput } from './bus.config';
import { busConfigSchema } from './bus.config';
import type { BusMetrics } from './bus.metrics';
import type { EventBus } from './event-bus';
import { KafkaEventBus } from './kafka/kafka-event-bus';
import { MemoryEventBus } from './memory/memory-event-bus';

export interface EventBusDeps {
  metrics: BusMetrics;
  logger?: BusLogger;
}

/** Adapters keyed by `bus.type` (style rule 6): the one place that knows them all. */
export const EVENT_BUS_ADAPTERS: Record<BusConfig['type'], (config: BusConfig, deps: EventBusDeps) => Promise<EventBus>> = {
  memory: async (config, deps) => new MemoryEventBus(config, deps),
  kafka: (config, deps) => KafkaEventBus.create(config, deps),
};

export async function createEventBus(config: BusConfigInput | BusConfig, deps: EventBusDeps): Promise<EventBus> {
  const parsed = busConfigSchema.parse(config);
  return EVENT_BUS_ADAPTERS[parsed.type](parsed, deps);
}
