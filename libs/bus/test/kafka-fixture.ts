import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { realService } from '@sonde/testing/real-services';
import { busConfigSchema, KAFKA_CLIENTS, type BusConfig } from '../src/bus.config';
import { BusMetrics } from '../src/bus.metrics';
import { KafkaEventBus } from '../src/kafka/kafka-event-bus';
import { PlatformaticEventBus } from '../src/kafka-platformatic/platformatic-event-bus';
import { ThreadedKafkaBus } from '../src/kafka/threaded-kafka-bus';

export type KafkaClient = (typeof KAFKA_CLIENTS)[number];
/** Every Kafka int-spec runs once per client library (`bus.kafka.client`). */
export const kafkaClients: KafkaClient[] = [...KAFKA_CLIENTS];
/** The producer on a thread of its own (`bus.kafka.producer.thread: worker`), on each client. */
export const producerThreadVariants: { client: KafkaClient; producer: { thread: 'worker' } }[] = kafkaClients.map((client) => ({ client, producer: { thread: 'worker' } }));

/** Brokers of the real Kafka that scripts/services.sh started (throws if it is not running). */
export function kafkaBrokers(): string[] {
  const brokers = realService('kafka').SONDE_TEST_KAFKA_BROKERS;
  if (!brokers) throw new Error('kafka.env has no SONDE_TEST_KAFKA_BROKERS');
  return brokers.split(',');
}

/** A topic prefix of its own, so tests sharing the broker never read each other's events. */
export function uniquePrefix(name: string): string {
  return `test-${name}-${process.pid}-${Date.now().toString(36)}.`;
}

export function kafkaBusConfig(prefix: string, over: { client?: KafkaClient; clientId?: string; spoolDir?: string; partitions?: number; consumer?: Record<string, number>; producer?: Record<string, number | string> } = {}): BusConfig {
  return busConfigSchema.parse({
    type: 'kafka',
    handlerRetryInitialMs: 50,
    kafka: {
      client: over.client ?? 'kafkajs',
      brokers: kafkaBrokers(),
      clientId: over.clientId ?? 'bus-int-test',
      topicPrefix: prefix,
      partitions: over.partitions ?? 3,
      // a test group joins alone: no need to wait for others
      consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000, rebalanceTimeoutMs: 10_000, minBytes: 1, ...over.consumer },
      producer: { ...over.producer },
      spool: { dir: over.spoolDir ?? mkdtempSync(path.join(tmpdir(), 'sonde-bus-spool-')), fsync: 'never', retryInitialMs: 200, retryMaxMs: 1_000 },
    },
  });
}

/** The bus of `config.kafka.client` (both adapters have the same test surface). */
export function newKafkaBus(config: BusConfig, registry = new Registry()): Promise<KafkaEventBus | PlatformaticEventBus | ThreadedKafkaBus> {
  const deps = { metrics: new BusMetrics(registry) };
  if (config.kafka.producer.thread === 'worker') return ThreadedKafkaBus.create(config, deps);
  return config.kafka.client === 'platformatic' ? PlatformaticEventBus.create(config, deps) : KafkaEventBus.create(config, deps);
}
