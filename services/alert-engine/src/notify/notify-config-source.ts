import { Inventory, type InventoryConfig } from '@sonde/inventory/inventory';
import type { AlertEngineConfig } from '../alert-engine.config';
import type { NotifyConfigSource } from './notify-reloader';

/**
 * The NotifyConfigSource of a process: `reloadConfig` loads the file it was started with the
 * same way as at boot (sections, env overrides, secrets), so a reload validates exactly what a
 * restart would. Credentials come from the re-read file too (a new `credentials:` entry works).
 */
export function notifyConfigSource(file: string, reloadConfig: () => InventoryConfig & { alertEngine: AlertEngineConfig }): NotifyConfigSource {
  return {
    file,
    read: () => {
      const config = reloadConfig();
      return { notify: config.alertEngine.notify, credentials: new Inventory(config) };
    },
  };
}
