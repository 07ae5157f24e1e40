import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MemoryStateStore } from './memory/memory-state-store';
import type { StateStore } from './state-store';
import { StateModule, STATE_STORE } from './state.module';
import { stateConfigSchema } from './state.config';

describe('StateModule', () => {
  it('provides the memory store by default and closes it with the app', async () => {
    @Module({ imports: [StateModule.forRoot()] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const store = app.get<StateStore>(STATE_STORE);
    expect(store).toBeInstanceOf(MemoryStateStore);
    await store.set('k', 'v');
    expect(await store.get('k')).toBe('v');
    await app.close();
    await expect(store.get('k')).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('defaults every field of the state section', () => {
    expect(stateConfigSchema.parse({})).toEqual({
      type: 'memory',
      redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'sonde:', connectTimeoutMs: 5000, maxRetriesPerRequest: 2 },
      memory: { sweepIntervalMs: 1000, sweepBatch: 1000 },
    });
    expect(stateConfigSchema.safeParse({ type: 'etcd' }).success).toBe(false);
    expect(stateConfigSchema.safeParse({ redis: { url: 'http://x' } }).success).toBe(false);
  });
});
