import type { Inventory } from '@sonde/inventory/inventory';
import type { TrapReceiverConfig } from './trap-receiver.config';
import type { UsmUserConfig } from '@sonde/snmp/usm/usm-security';

/**
 * The communities and USM users the receiver accepts, from the credentials the config names
 * (`trapReceiver.communities`, `trapReceiver.users[].credential`). Secrets are revealed here,
 * once, at boot, and live on only as localized keys / a Set lookup.
 */
export function resolveTrapCredentials(
  config: Pick<TrapReceiverConfig, 'communities' | 'users'>,
  inventory: Pick<Inventory, 'credentialOfType'>,
): { communities: string[]; users: UsmUserConfig[] } {
  const communities = config.communities.map((name) => inventory.credentialOfType(name, 'snmp-community').community.reveal());
  const users = config.users.map((u): UsmUserConfig => {
    const c = inventory.credentialOfType(u.credential, 'snmp-usm');
    const engineIds = [...new Set([...u.engineIds, ...(c.engineId ? [c.engineId] : [])])];
    return {
      name: c.user,
      engineIds,
      ...(c.authProtocol && c.authKey ? { authProtocol: c.authProtocol, authPassword: c.authKey.reveal() } : {}),
      ...(c.privProtocol && c.privKey ? { privProtocol: c.privProtocol, privPassword: c.privKey.reveal() } : {}),
    };
  });
  return { communities, users };
}
