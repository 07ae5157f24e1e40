import type { BusConfig } from './bus.config';
import type { BusLogger } from './bus-logger';
import type { BusMetrics } from './bus.metrics';
import type { EventBus } from './event-bus';
import { KafkaEventBus } from './kafka/kafka-event-bus';
import { ThreadedKafkaBus } from './kafka/threaded-kafka-bus';
import { PlatformaticEventBus } from './kafka-platformatic/platformatic-event-bus';
import { MemoryEventBus } from './memory/memory-event-bus';

export interface EventBusDeps {
  metrics: BusMetrics;
  logger?: BusLogger;
}

/** The adapters, keyed by `bus.type` (style.md rule 6): adding one is one line here. */
export const EVENT_BUS_ADAPTERS: Record<BusConfig['type'], (config: BusConfig, deps: EventBusDeps) => Promise<EventBus>> = {
  memory: async (config, deps) => new MemoryEventBus(config, deps),
  kafka: (config, deps) => (config.kafka.producer.thread === 'worker' ? ThreadedKafkaBus.create(config, deps) : KAFKA_CLIENT_ADAPTERS[config.kafka.client](config, deps)),
};

/** The Kafka adapter, keyed by `bus.kafka.client` (default platformatic). */
export const KAFKA_CLIENT_ADAPTERS: Record<BusConfig['kafka']['client'], (config: BusConfig, deps: EventBusDeps) => Promise<EventBus>> = {
  kafkajs: (config, deps) => KafkaEventBus.create(config, deps),
  platformatic: (config, deps) => PlatformaticEventBus.create(config, deps),
};

/** Builds the bus the config asks for (used by BusModule, and by CLIs and tests without Nest). */
export function createEventBus(config: BusConfig, deps: EventBusDeps): Promise<EventBus> {
  return EVENT_BUS_ADAPTERS[config.type](config, deps);
}
