import { describe } from '@jest/globals';
import { eventBusContract } from '../src/event-bus.contract';
import { kafkaBusConfig, newKafkaBus, uniquePrefix } from './kafka-fixture';

describe('KafkaEventBus on the real broker', () => {
  describe('EventBus contract', () => {
    const prefix = uniquePrefix('contract');
    eventBusContract(() => newKafkaBus(kafkaBusConfig(prefix)), { waitMs: 60_000 });
  });
});
