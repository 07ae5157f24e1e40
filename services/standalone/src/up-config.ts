import path from 'node:path';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { loadConfig } from '@sonde/inventory/load-config';
import type { SondeConfig } from '@sonde/inventory/sonde-config';
import { labConfigSchema } from '@sonde/lab/lab.config';
import { stateConfigSchema } from '@sonde/state/state.config';
import { storeConfigSchema } from '@sonde/store/store.config';
import { telemetryConfigSchema } from '@sonde/telemetry/telemetry.config';
import { clickhouseHttpConfigSchema } from './clickhouse-http/clickhouse-http.config';
import { standaloneSections } from './standalone-services';

function upSections() {
  const services = standaloneSections();
  return {
    bus: busConfigSchema,
    store: storeConfigSchema,
    state: stateConfigSchema,
    telemetry: telemetryConfigSchema,
    lab: labConfigSchema,
    clickhouseHttp: clickhouseHttpConfigSchema,
    ...services,
  };
}

export type UpSections = ReturnType<typeof upSections>;
export type UpConfig = SondeConfig<UpSections>;

/** Lists `sonde up` adds to rather than replaces: the lab's devices and the community its traps use. */
export const UP_JOINED_LISTS = ['devices', 'trapReceiver.communities'] as const;

export interface UpConfigOptions {
  file?: string;
  dataDir: string;
  /** Raw config merged under the file's (lab devices and credentials). */
  overlay?: Record<string, unknown>;
}

/**
 * The config of `sonde up`: every section of every service it runs. Defaults are the
 * embedded adapters (memory bus, chDB in the data folder, memory state); the file can
 * still choose Kafka, a ClickHouse server or Redis.
 */
export function loadUpConfig(options: UpConfigOptions): UpConfig {
  const base = {
    bus: { type: 'memory' },
    store: { type: 'chdb', chdb: { path: path.join(options.dataDir, 'chdb') } },
    state: { type: 'memory' },
    // One loopback address per lab device (Linux routes 127/8 to lo): traps and syslog from a
    // device then come from its own address, as on a real network, and map to it.
    // outages: an interface and then a device go down every 5 minutes, so alerts fire, get inhibited and resolve (alert-engine)
    // rmon2: the RMON2 host/conversation tables too, so the RMON dashboard's busiest-hosts panels have data
    lab: { distinctAddresses: true, traps: { enabled: true }, syslog: { enabled: true }, outages: { enabled: true }, rmon: { rmon2: true } },
    // Unprivileged ports on loopback: `sonde up` runs as a user on a laptop. The lab's emitters
    // send to these by default (libs/lab/src/lab.config.ts).
    syslogReceiver: { udp: { hosts: ['127.0.0.1'], port: 1514 }, tcp: { hosts: ['127.0.0.1'], port: 1514 } },
    trapReceiver: { listen: [{ address: '127.0.0.1', port: 1162 }] },
    // Short cycles so the status screen and the tables fill within seconds of `sonde up`;
    // the services' own defaults (60 s) are for production, and a config file can set either.
    snmpPoller: { intervalMs: 10_000 },
    rmonCollector: { intervalMs: 10_000 },
    icmpProber: { cycleIntervalMs: 10_000 },
  };
  return loadConfig({
    ...(options.file ? { file: options.file } : {}),
    sections: upSections(),
    defaults: deepMerge(base, options.overlay ?? {}),
    // The file's lists replace these defaults' (its `trapReceiver.listen` is where traps are
    // received, nowhere else); only the lab's additions are joined to the file's lists.
    joinLists: UP_JOINED_LISTS,
  });
}

export function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      prev && v && typeof prev === 'object' && typeof v === 'object' && !Array.isArray(prev) && !Array.isArray(v)
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}
