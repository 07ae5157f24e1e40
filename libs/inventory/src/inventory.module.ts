import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Inventory, type InventoryConfig } from './inventory';
import { SONDE_CONFIG, SONDE_INVENTORY } from './inventory.tokens';

export { SONDE_CONFIG, SONDE_INVENTORY } from './inventory.tokens';

/** Global: the config loaded by main.ts (`loadConfig`) as SONDE_CONFIG and its Inventory as SONDE_INVENTORY. */
@Global()
@Module({})
export class InventoryModule {
  static forRoot(config: InventoryConfig): DynamicModule {
    return {
      module: InventoryModule,
      global: true,
      providers: [
        { provide: SONDE_CONFIG, useValue: config },
        { provide: SONDE_INVENTORY, useValue: new Inventory(config) },
      ],
      exports: [SONDE_CONFIG, SONDE_INVENTORY],
    };
  }
}
