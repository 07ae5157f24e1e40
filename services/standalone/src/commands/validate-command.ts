import path from 'node:path';
import { ConfigError } from '@sonde/inventory/config-error';
import { loadUpConfig } from '../up-config';

/** `sonde validate`: every section of every service, all errors at once; exit 1 when invalid. */
export async function runValidate(options: { config?: string }): Promise<number> {
  try {
    const config = loadUpConfig({ ...(options.config ? { file: options.config } : {}), dataDir: path.resolve('.sonde-data') });
    process.stdout.write(
      `${options.config ?? '(no config file: defaults and SONDE_* environment)'}: valid — site ${config.site}, ` +
        `${config.devices.length} device(s), ${Object.keys(config.credentials ?? {}).length} credential(s)\n`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 1;
  }
}
