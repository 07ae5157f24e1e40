import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { MemoryStateStore } from './memory/memory-state-store';
import { RedisStateStore } from './redis/redis-state-store';
import { stateConfigSchema, type StateConfig, type StateConfigInput } from './state.config';
import type { StateStore } from './state-store';
import { STATE_STORE } from './state.tokens';

export { STATE_STORE } from './state.tokens';

/** Adapters keyed by `state.type` (style.md rule 6). */
const STATE_ADAPTERS: Record<StateConfig['type'], (config: StateConfig) => StateStore> = {
  memory: (c) => new MemoryStateStore({ sweepIntervalMs: c.memory.sweepIntervalMs, sweepBatch: c.memory.sweepBatch }),
  redis: (c) =>
    new RedisStateStore({
      url: c.redis.url,
      keyPrefix: c.redis.keyPrefix,
      connectTimeoutMs: c.redis.connectTimeoutMs,
      maxRetriesPerRequest: c.redis.maxRetriesPerRequest,
    }),
};

export function createStateStore(config: StateConfig): StateStore {
  return STATE_ADAPTERS[config.type](config);
}

class StateStoreShutdown implements OnApplicationShutdown {
  constructor(@Inject(STATE_STORE) private readonly store: StateStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** Global: STATE_STORE, the adapter chosen by `state.type`, closed at application shutdown. */
@Global()
@Module({})
export class StateModule {
  static forRoot(config: StateConfig | StateConfigInput = {}): DynamicModule {
    const parsed = stateConfigSchema.parse(config);
    return {
      module: StateModule,
      global: true,
      providers: [{ provide: STATE_STORE, useFactory: () => createStateStore(parsed) }, StateStoreShutdown],
      exports: [STATE_STORE],
    };
  }
}
