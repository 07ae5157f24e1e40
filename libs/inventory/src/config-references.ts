import { formatPath } from '@sonde/events/event-codec';
import type { ConfigIssue } from './config-error';
import { normalizeAddress } from './network-address';

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** SNMP version → the credential type it authenticates with. */
const CREDENTIAL_FOR_VERSION: Record<string, string> = { v1: 'snmp-community', v2c: 'snmp-community', v3: 'snmp-usm' };

function defined(what: string, names: string[]): string {
  return names.length ? `defined: ${names.join(', ')}` : `no ${what} are defined`;
}

/**
 * Checks that span entries: unique device ids, unique addresses per site, credential and site
 * references. They run on the raw config, beside schema validation rather than after it, so a
 * config with a bad address and a dangling credential reports both at once.
 */
export function checkReferences(raw: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const devices = Array.isArray(raw.devices) ? raw.devices : [];
  const credentials = isRecord(raw.credentials) ? raw.credentials : {};
  const credentialNames = Object.keys(credentials);
  const sites = isRecord(raw.sites) ? Object.keys(raw.sites) : [];
  const rootSite = typeof raw.site === 'string' ? raw.site : 'default';

  if (sites.length && !sites.includes(rootSite)) {
    issues.push({ path: 'site', message: `unknown site "${rootSite}" (${defined('sites', sites)})` });
  }

  const ids = new Map<string, number>();
  const addresses = new Map<string, number>();
  devices.forEach((device: unknown, i) => {
    if (!isRecord(device)) return;
    const at = (...rest: string[]) => formatPath(['devices', i, ...rest]);
    if (typeof device.id === 'string') {
      const first = ids.get(device.id);
      if (first === undefined) ids.set(device.id, i);
      else issues.push({ path: at('id'), message: `duplicate id "${device.id}" (also devices[${first}].id)` });
    }
    const site = typeof device.site === 'string' ? device.site : rootSite;
    if (typeof device.site === 'string' && sites.length && !sites.includes(device.site)) {
      issues.push({ path: at('site'), message: `unknown site "${device.site}" (${defined('sites', sites)})` });
    }
    if (typeof device.address === 'string') {
      const key = `${site}\u0000${normalizeAddress(device.address)}`;
      const first = addresses.get(key);
      if (first === undefined) addresses.set(key, i);
      else issues.push({ path: at('address'), message: `duplicate address "${device.address}" at site "${site}" (also devices[${first}].address)` });
    }
    const snmp = device.snmp;
    if (isRecord(snmp) && typeof snmp.credential === 'string') {
      const name = snmp.credential;
      const credential = Object.hasOwn(credentials, name) ? credentials[name] : undefined;
      if (credential === undefined) {
        issues.push({ path: at('snmp', 'credential'), message: `unknown credential "${name}" (${defined('credentials', credentialNames)})` });
        return;
      }
      const version = typeof snmp.version === 'string' ? snmp.version : 'v2c';
      const needed = CREDENTIAL_FOR_VERSION[version];
      const type = isRecord(credential) ? credential.type : undefined;
      if (needed && typeof type === 'string' && type !== needed) {
        issues.push({ path: at('snmp', 'credential'), message: `credential "${name}" is ${type}, but SNMP ${version} needs ${needed}` });
      }
    }
  });
  return issues;
}
