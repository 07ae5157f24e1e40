import path from 'node:path';
import { publishInventory } from '@sonde/bus/kafka/kafka-inventory-publisher';
import { ConfigError } from '@sonde/inventory/config-error';
import { loadUpConfig, type UpConfig } from '../up-config';

/**
 * `sonde inventory apply FILE`: validates FILE exactly as `sonde validate` does (every section,
 * every error at once) and only if it is valid publishes its devices, per site, to the compacted
 * `sonde.targets.<site>` topic of its Kafka bus. Running pollers and probers of that site read
 * the records of their partitions (the target assignment's consumer group) and change what they
 * poll without a restart; devices no longer listed get a tombstone and stop being polled.
 * Exit 0 published, 1 invalid (nothing published), 2 not a Kafka bus or Kafka unreachable.
 */
export async function runInventoryApply(file: string): Promise<number> {
  let config: UpConfig;
  try {
    config = loadUpConfig({ file, dataDir: path.resolve('.sonde-data') });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\nsonde inventory apply: ${file} is invalid — nothing was published\n`);
    return 1;
  }
  if (config.bus.type !== 'kafka') {
    process.stderr.write(`sonde inventory apply: ${file}: bus.type is "${config.bus.type}": the inventory is published to Kafka (bus.type: kafka, bus.kafka.brokers); nothing was published\n`);
    return 2;
  }
  const sites = new Map<string, { id: string; entry: unknown }[]>();
  // the file's own site (published even if emptied) and every site it places a device at; a
  // site only declared under `sites:` is left alone (a file for one site must not wipe another)
  sites.set(config.site, []);
  for (const d of config.devices) {
    const list = sites.get(d.site) ?? [];
    list.push({ id: d.id, entry: d });
    sites.set(d.site, list);
  }
  try {
    for (const [site, devices] of sites) {
      const r = await publishInventory(config.bus, site, devices, path.basename(file));
      process.stdout.write(`${r.topic}: ${r.written} device(s) published${r.removed.length ? `, removed: ${r.removed.join(', ')}` : ''} (${r.partitions} partitions marked)\n`);
    }
  } catch (err) {
    process.stderr.write(`sonde inventory apply: ${file}: publishing to Kafka ${config.bus.kafka.brokers.join(',')} failed: ${(err as Error).message}\n`);
    return 2;
  }
  return 0;
}
