import type { Device } from '@sonde/inventory/device';
import { deviceRef } from '@sonde/inventory/device-ref';
import type { Inventory } from '@sonde/inventory/inventory';
import type { SnmpCredential } from '../session/snmp-credential';
import type { PollTarget } from './device-poller';

/** Per-device overrides (`devices[].snmpPoller:`, `devices[].rmonCollector:`). */
export interface DevicePollOverrides {
  intervalMs?: number | undefined;
  profile?: string | undefined;
  enabled?: boolean | undefined;
}

/** Per-target rules by device id or tag (first match wins). */
export interface PollTargetRule extends DevicePollOverrides {
  devices: readonly string[];
  tags: readonly string[];
}

/** The part of a collector's config section the target list needs. */
export interface PollTargetsConfig {
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  backoff: number;
  maxRepetitions: number;
  targets: readonly PollTargetRule[];
}

/**
 * The devices a collector on the poll engine polls: those at our site with `snmp:` settings and
 * not disabled, with their credential resolved from the inventory (secrets stay wrapped until
 * the session). A device whose credential is missing or of the wrong type is reported, not
 * polled. `overrides` reads the device's own section (`devices[].snmpPoller:` for the poller).
 */
export function pollTargets(
  inventory: Pick<Inventory, 'devicesAt' | 'snmpCredential'>,
  config: PollTargetsConfig,
  onInvalid: (device: string, message: string) => void = () => undefined,
  overrides: (device: Device) => DevicePollOverrides | undefined = (d) => (d as Device & { snmpPoller?: DevicePollOverrides }).snmpPoller,
): PollTarget[] {
  const targets: PollTarget[] = [];
  for (const device of inventory.devicesAt()) {
    const own = overrides(device);
    const rule = config.targets.find((r) => r.devices.includes(device.id) || r.tags.some((t) => device.tags.includes(t)));
    const enabled = own?.enabled ?? rule?.enabled ?? true;
    if (!device.snmp || !enabled) continue;
    let credential: SnmpCredential;
    try {
      const c = inventory.snmpCredential(device);
      credential = c.type === 'snmp-usm'
        ? {
            version: 'v3', user: c.user, level: c.securityLevel,
            ...(c.authProtocol ? { authProtocol: c.authProtocol } : {}), ...(c.authKey ? { authKey: c.authKey } : {}),
            ...(c.privProtocol ? { privProtocol: c.privProtocol } : {}), ...(c.privKey ? { privKey: c.privKey } : {}),
          }
        : { version: device.snmp.version === 'v1' ? 'v1' : 'v2c', community: c.community };
    } catch (err) {
      onInvalid(device.id, (err as Error).message);
      continue;
    }
    const intervalMs = own?.intervalMs ?? rule?.intervalMs ?? config.intervalMs;
    const profile = own?.profile ?? rule?.profile;
    targets.push({
      device: deviceRef(device),
      snmp: {
        device: device.id,
        address: device.address,
        port: device.snmp.port,
        credential,
        timeoutMs: device.snmp.timeoutMs ?? config.timeoutMs,
        retries: device.snmp.retries ?? config.retries,
        backoff: config.backoff,
      },
      intervalMs,
      maxRepetitions: device.snmp.maxRepetitions ?? config.maxRepetitions,
      ...(profile ? { profile } : {}),
    });
  }
  return targets;
}
