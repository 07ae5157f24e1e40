import { ConfigError } from '@sonde/inventory/config-error';
import { Inventory } from '@sonde/inventory/inventory';
import { SondeError } from '@sonde/events/sonde-error';
import { loadOidDictionary } from '@sonde/snmp/mib/mib-loader';
import { snmpWalk } from '@sonde/snmp-poller/snmp-walk-command';
import path from 'node:path';
import { loadUpConfig } from '../up-config';

export interface WalkOptions {
  config?: string;
  community?: string;
  port?: string;
  mibs?: string[];
  /** Numeric OIDs (`.1.3.6.1.2.1.1.5.0`), as net-snmp's `-On` prints them, for comparing with its tools. */
  numeric?: boolean;
}

/**
 * `sonde walk <device|address> [oid]`: a device of the config is walked with its own
 * credential; any other address with v2c and `--community` (default public).
 */
export async function runWalk(target: string, oid: string | undefined, options: WalkOptions): Promise<number> {
  try {
    const config = loadUpConfig({ ...(options.config ? { file: options.config } : {}), dataDir: path.resolve('.sonde-data') });
    const { dictionary } = loadOidDictionary([...config.mib.folders, ...(options.mibs ?? [])]);
    const port = options.port === undefined ? undefined : Number(options.port);
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
      process.stderr.write(`sonde walk: --port: expected a port number, got "${options.port}"\n`);
      return 2;
    }
    const rows = await snmpWalk({
      target,
      ...(oid ? { oid: /^\.?\d+(\.\d+)*$/.test(oid) ? oid : dictionary.resolve(oid) } : {}),
      inventory: new Inventory(config),
      config: config.snmpPoller,
      ...(options.community ? { credential: { version: 'v2c', community: options.community } } : {}),
      ...(port ? { port } : {}),
      dictionary,
    });
    for (const r of rows) process.stdout.write(`${options.numeric ? `.${r.oid}` : r.name} = ${r.type}: ${r.value}\n`);
    if (rows.length === 0) process.stderr.write(`sonde walk: no objects under ${oid ?? 'mib-2'}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof SondeError) {
      process.stderr.write(`sonde walk: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
