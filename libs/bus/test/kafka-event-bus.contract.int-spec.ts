import { describe } from '@jest/globals';
import { eventBusContract } from '../src/event-bus.contract';
import { kafkaBusConfig, kafkaClients, newKafkaBus, producerThreadVariants, uniquePrefix } from './kafka-fixture';

describe.each(kafkaClients)('KafkaEventBus on the real broker (client %s)', (client) => {
  describe('EventBus contract', () => {
    const prefix = uniquePrefix(`contract-${client}`);
    eventBusContract(() => newKafkaBus(kafkaBusConfig(prefix, { client })), { waitMs: 60_000 });
  });
});

describe.each(producerThreadVariants)('ThreadedKafkaBus on the real broker (client $client, producer thread: worker)', ({ client, producer }) => {
  describe('EventBus contract', () => {
    const prefix = uniquePrefix(`contract-thread-${client}`);
    eventBusContract(() => newKafkaBus(kafkaBusConfig(prefix, { client, producer })), { waitMs: 60_000 });
  });
});
