import { describe } from '@jest/globals';
import { eventBusContract } from '../src/event-bus.contract';
import { kafkaBusConfig, kafkaClients, newKafkaBus, uniquePrefix } from './kafka-fixture';

describe.each(kafkaClients)('KafkaEventBus on the real broker (client %s)', (client) => {
  describe('EventBus contract', () => {
    const prefix = uniquePrefix(`contract-${client}`);
    eventBusContract(() => newKafkaBus(kafkaBusConfig(prefix, { client })), { waitMs: 60_000 });
  });
});
