import type { DeviceRef } from '@sonde/events/sonde-event';
import { deviceRef } from './device-ref';
import type { Credential, CredentialOfType, CredentialType } from './credential';
import type { SnmpCommunityCredential } from './credentials/snmp-community';
import type { SnmpUsmCredential } from './credentials/snmp-usm';
import type { Device } from './device';
import { InventoryError } from './inventory-error';
import { normalizeAddress } from './network-address';
import type { SondeConfig } from './sonde-config';

export type InventoryConfig = Pick<SondeConfig, 'site' | 'sites' | 'devices' | 'credentials'>;

/**
 * The devices and credentials of a loaded config, indexed for the hot path: a receiver calls
 * `resolveSource(rinfo.address)` per datagram, so lookups are one normalisation and a Map get.
 */
export class Inventory {
  /** The site this process collects for. */
  readonly site: string;
  readonly devices: readonly Device[];
  private readonly ids = new Map<string, Device>();
  /** site → normalised address → device */
  private readonly addresses = new Map<string, Map<string, Device>>();
  /** normalised address → first device with it at any site */
  private readonly anySite = new Map<string, Device>();
  private readonly bySite = new Map<string, Device[]>();
  private readonly credentials: ReadonlyMap<string, Credential>;
  private readonly declaredSites: readonly string[];

  constructor(config: InventoryConfig) {
    this.site = config.site;
    this.devices = config.devices;
    this.credentials = new Map(Object.entries(config.credentials));
    this.declaredSites = Object.keys(config.sites);
    for (const device of config.devices) {
      this.ids.set(device.id, device);
      const address = normalizeAddress(device.address);
      let atSite = this.addresses.get(device.site);
      if (!atSite) this.addresses.set(device.site, (atSite = new Map()));
      if (!atSite.has(address)) atSite.set(address, device);
      if (!this.anySite.has(address)) this.anySite.set(address, device);
      const list = this.bySite.get(device.site);
      if (list) list.push(device);
      else this.bySite.set(device.site, [device]);
    }
  }

  byId(id: string): Device | undefined {
    return this.ids.get(id);
  }

  /** The device with this address at `site` (default: ours), else at any site. No DNS: hostnames match literally. */
  byAddress(address: string, site: string = this.site): Device | undefined {
    const key = normalizeAddress(address);
    return this.addresses.get(site)?.get(key) ?? this.anySite.get(key);
  }

  /**
   * The `device` of an event about a packet from `address`: the known device, or for an
   * unknown source its (normalised) address as both id and address (design.md §3).
   */
  resolveSource(address: string, site: string = this.site): DeviceRef {
    const device = this.byAddress(address, site);
    if (!device) {
      const normalised = normalizeAddress(address);
      return { id: normalised, address: normalised };
    }
    return deviceRef(device);
  }

  /** Devices at `site` (default: ours), in config order. */
  devicesAt(site: string = this.site): readonly Device[] {
    return this.bySite.get(site) ?? [];
  }

  /** Declared sites plus every site a device is at, sorted. */
  sites(): string[] {
    return [...new Set([...this.declaredSites, ...this.bySite.keys(), this.site])].sort();
  }

  credential(name: string): Credential | undefined {
    return this.credentials.get(name);
  }

  credentialNames(): string[] {
    return [...this.credentials.keys()];
  }

  /** The credential `name`, which must be of `type`; throws InventoryError naming both otherwise. */
  credentialOfType<T extends CredentialType>(name: string, type: T): CredentialOfType<T> {
    const credential = this.credentials.get(name);
    if (!credential) throw new InventoryError(`unknown credential "${name}"`, { credential: name });
    if (credential.type !== type) {
      throw new InventoryError(`credential "${name}" is ${credential.type}, expected ${type}`, { credential: name });
    }
    return credential as CredentialOfType<T>;
  }

  /** The SNMP credential of a device (community for v1/v2c, USM user for v3). */
  snmpCredential(device: Device): SnmpCommunityCredential | SnmpUsmCredential {
    if (!device.snmp) throw new InventoryError(`device "${device.id}" has no snmp settings`, { device: device.id });
    return device.snmp.version === 'v3'
      ? this.credentialOfType(device.snmp.credential, 'snmp-usm')
      : this.credentialOfType(device.snmp.credential, 'snmp-community');
  }

  /** Every SNMPv3 USM user (the trap receiver's user table). */
  usmUsers(): { name: string; credential: SnmpUsmCredential }[] {
    const users: { name: string; credential: SnmpUsmCredential }[] = [];
    for (const [name, credential] of this.credentials) if (credential.type === 'snmp-usm') users.push({ name, credential });
    return users;
  }
}
