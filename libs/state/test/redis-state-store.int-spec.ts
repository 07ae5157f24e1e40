import { createServer } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { realService } from '@sonde/testing/real-services';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RedisStateStore } from '../src/redis/redis-state-store';
import { StateModule, STATE_STORE } from '../src/state.module';
import { expectClosedStoreRefuses, stateStoreContract } from '../src/state-store.contract';
import type { StateStore } from '../src/state-store';

/** Against the real Redis that scripts/services.sh starts (SONDE_TEST_SERVICES=redis). */
const url = () => realService('redis').SONDE_TEST_REDIS_URL ?? '';
const prefix = () => `sonde-test:${process.pid}:${Date.now().toString(36)}:`;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('RedisStateStore (real Redis)', () => {
  stateStoreContract(async () => {
    const keyPrefix = prefix();
    // two connections: races below are real contention between clients
    const a = new RedisStateStore({ url: url(), keyPrefix });
    const b = new RedisStateStore({ url: url(), keyPrefix });
    return {
      stores: [a, b],
      // Redis expires on access with ms precision: once `ms` have passed the key is gone
      elapse: (ms) => sleep(ms + 5),
      close: async () => {
        await a.close();
        await b.close();
      },
    };
  });

  it('keeps deployments apart by key prefix', async () => {
    const a = new RedisStateStore({ url: url(), keyPrefix: prefix() + 'one:' });
    const b = new RedisStateStore({ url: url(), keyPrefix: prefix() + 'two:' });
    await a.set('k', 'one');
    expect(await b.get('k')).toBeNull();
    expect(await b.setIfAbsent('k', 'two')).toBe(true);
    expect(await a.get('k')).toBe('one');
    await a.close();
    await b.close();
  });

  it('refuses work once closed', async () => {
    await expectClosedStoreRefuses(new RedisStateStore({ url: url(), keyPrefix: prefix() }));
  });

  it('fails with StateError(unavailable) naming the server when Redis is unreachable', async () => {
    const port = await closedPort();
    const store = new RedisStateStore({ url: `redis://:hunter2@127.0.0.1:${port}`, maxRetriesPerRequest: 0, connectTimeoutMs: 500 });
    const err = await store.ping().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ name: 'StateError', code: 'unavailable' });
    expect(String((err as Error).message)).toContain(`127.0.0.1:${port}`);
    expect(String((err as Error).message)).not.toContain('hunter2');
    await store.close();
  });

  it('is what StateModule provides for type: redis, closed with the app', async () => {
    @Module({ imports: [StateModule.forRoot({ type: 'redis', redis: { url: url(), keyPrefix: prefix() } })] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const store = app.get<StateStore>(STATE_STORE);
    expect(store).toBeInstanceOf(RedisStateStore);
    await store.set('module', 'ok');
    expect(await store.get('module')).toBe('ok');
    await app.close();
    await expect(store.get('module')).rejects.toMatchObject({ code: 'unavailable' });
  });
});
