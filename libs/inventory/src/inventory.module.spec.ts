import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Inventory } from './inventory';
import { InventoryModule, SONDE_CONFIG, SONDE_INVENTORY } from './inventory.module';
import { loadConfig } from './load-config';
import type { SondeConfig } from './sonde-config';

@Injectable()
class Consumer {
  constructor(
    @Inject(SONDE_INVENTORY) readonly inventory: Inventory,
    @Inject(SONDE_CONFIG) readonly config: SondeConfig,
  ) {}
}

@Module({ providers: [Consumer] })
class FeatureModule {}

describe('InventoryModule', () => {
  it('provides the config and its Inventory globally', async () => {
    const config = loadConfig({ text: 'site: lab\ndevices: [{ id: r1, address: 10.0.0.1 }]\n', env: {} });
    @Module({ imports: [InventoryModule.forRoot(config), FeatureModule] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const consumer = app.get(Consumer);
    expect(consumer.config.site).toBe('lab');
    expect(consumer.inventory).toBeInstanceOf(Inventory);
    expect(consumer.inventory.resolveSource('10.0.0.1').id).toBe('r1');
    await app.close();
  });
});
