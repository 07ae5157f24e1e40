import type { Admin, Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { busConfigSchema } from '../bus.config';
import { BusMetrics } from '../bus.metrics';
import { silentBusLogger } from '../bus-logger';
import { KafkaSubscription } from './kafka-subscription';

type Listener = (e: { payload: { error: Error; restart: boolean } }) => void;

/** A kafkajs Consumer stand-in that records calls and lets the test emit CRASH as kafkajs does. */
function fakeKafka() {
  const calls: string[] = [];
  const listeners = new Map<string, Listener[]>();
  const consumer = {
    events: { GROUP_JOIN: 'group_join', CRASH: 'crash' },
    on: (name: string, l: Listener) => listeners.set(name, [...(listeners.get(name) ?? []), l]),
    connect: async () => void calls.push('connect'),
    subscribe: async () => void calls.push('subscribe'),
    run: async () => void calls.push('run'),
    disconnect: async () => void calls.push('disconnect'),
  };
  const emit = (name: string, e: { payload: { error: Error; restart: boolean } }) => listeners.get(name)?.forEach((l) => l(e));
  return { kafka: { consumer: () => consumer } as unknown as Kafka, calls, emit };
}

function subscription(kafka: Kafka): KafkaSubscription {
  const config = busConfigSchema.parse({ type: 'kafka', kafka: { brokers: ['127.0.0.1:1'] } });
  return new KafkaSubscription(kafka, {} as Admin, ['t'], { group: 'g', families: ['snmp'], handler: async () => undefined }, config, new BusMetrics(new Registry()), silentBusLogger);
}

describe('KafkaSubscription after a consumer crash', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('rejoins by itself when kafkajs does not restart (non-retriable: group coordinator not found)', async () => {
    const { kafka, calls, emit } = fakeKafka();
    const sub = subscription(kafka);
    await sub.start();
    expect(calls).toEqual(['connect', 'subscribe', 'run']);
    // kafkajs has disconnected the consumer and will not start it again
    emit('crash', { payload: { error: new Error('KafkaJSGroupCoordinatorNotFound: Failed to find group coordinator'), restart: false } });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual(['connect', 'subscribe', 'run', 'connect', 'run']);
    // and again after a second one, later (backoff)
    emit('crash', { payload: { error: new Error('again'), restart: false } });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(calls.slice(5)).toEqual(['connect', 'run']);
    await sub.close();
  });

  it('leaves a retriable crash to kafkajs, and a closed subscription stays closed', async () => {
    const { kafka, calls, emit } = fakeKafka();
    const sub = subscription(kafka);
    await sub.start();
    emit('crash', { payload: { error: new Error('retriable'), restart: true } });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual(['connect', 'subscribe', 'run']);
    emit('crash', { payload: { error: new Error('fatal'), restart: false } });
    await sub.close(); // before the rejoin timer fired
    await jest.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual(['connect', 'subscribe', 'run', 'disconnect']);
  });
});
