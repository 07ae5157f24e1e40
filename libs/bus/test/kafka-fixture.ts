import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { realService } from '@sonde/testing/real-services';
import { busConfigSchema, type BusConfig } from '../src/bus.config';
import { BusMetrics } from '../src/bus.metrics';
import { KafkaEventBus } from '../src/kafka/kafka-event-bus';

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

export function kafkaBusConfig(prefix: string, over: { spoolDir?: string; partitions?: number; consumer?: Record<string, number>; producer?: Record<string, number | string> } = {}): BusConfig {
  return busConfigSchema.parse({
    type: 'kafka',
    handlerRetryInitialMs: 50,
    kafka: {
      brokers: kafkaBrokers(),
      clientId: 'bus-int-test',
      topicPrefix: prefix,
      partitions: over.partitions ?? 3,
      // a test group joins alone: no need to wait for others
      consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000, rebalanceTimeoutMs: 10_000, minBytes: 1, ...over.consumer },
      producer: { ...over.producer },
      spool: { dir: over.spoolDir ?? mkdtempSync(path.join(tmpdir(), 'sonde-bus-spool-')), fsync: 'never', retryInitialMs: 200, retryMaxMs: 1_000 },
    },
  });
}

export function newKafkaBus(config: BusConfig, registry = new Registry()): Promise<KafkaEventBus> {
  return KafkaEventBus.create(config, { metrics: new BusMetrics(registry) });
}
