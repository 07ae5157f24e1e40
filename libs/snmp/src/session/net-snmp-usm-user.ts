import snmp from 'net-snmp';
import { SnmpError } from './snmp-error';
import { revealSecret, type UsmCredential } from './snmp-credential';
import { AUTH_PROTOCOLS, PRIV_PROTOCOLS } from '@sonde/inventory/credentials/usm-protocols';

/**
 * The USM table (libs/inventory credentials/usm-protocols.ts) in net-snmp's constants: the poller's sessions run on
 * net-snmp, which has no AES-192 — a credential asking for it is refused here with its name.
 */
function netSnmpAuth(name: string): number | undefined {
  const entry = (AUTH_PROTOCOLS as Readonly<Record<string, { netSnmp: string }>>)[name];
  return entry ? (snmp.AuthProtocols as unknown as Record<string, number>)[entry.netSnmp] : undefined;
}

function netSnmpPriv(name: string): number | undefined {
  const entry = (PRIV_PROTOCOLS as Readonly<Record<string, { netSnmp: string | undefined }>>)[name];
  return entry?.netSnmp ? (snmp.PrivProtocols as unknown as Record<string, number>)[entry.netSnmp] : undefined;
}

const supportedPriv = () => Object.keys(PRIV_PROTOCOLS).filter((p) => netSnmpPriv(p) !== undefined);

const LEVELS = {
  noAuthNoPriv: snmp.SecurityLevel.noAuthNoPriv,
  authNoPriv: snmp.SecurityLevel.authNoPriv,
  authPriv: snmp.SecurityLevel.authPriv,
} as const;

/** Builds net-snmp's USM user; the only place v3 secrets are unwrapped. */
export function toUsmUser(credential: UsmCredential, device: string): import('net-snmp').UsmUser {
  const level = LEVELS[credential.level];
  const user: import('net-snmp').UsmUser = { name: credential.user, level };
  if (credential.level === 'noAuthNoPriv') return user;
  const auth = netSnmpAuth((credential.authProtocol ?? 'sha').toLowerCase());
  if (auth === undefined) {
    throw new SnmpError('bad-credential', `device ${device}: unknown SNMPv3 authProtocol '${credential.authProtocol}' (one of ${Object.keys(AUTH_PROTOCOLS).join(', ')})`, { device });
  }
  const authKey = revealSecret(credential.authKey);
  if (authKey.length < 8) {
    // RFC 3414 §11.2: passwords shorter than 8 octets are rejected by conforming agents.
    throw new SnmpError('bad-credential', `device ${device}: SNMPv3 authKey must be at least 8 characters`, { device });
  }
  user.authProtocol = auth;
  user.authKey = authKey;
  if (credential.level === 'authNoPriv') return user;
  const priv = netSnmpPriv((credential.privProtocol ?? 'aes').toLowerCase());
  if (priv === undefined) {
    throw new SnmpError('bad-credential', `device ${device}: SNMPv3 privProtocol '${credential.privProtocol}' is not supported for polling (net-snmp: one of ${supportedPriv().join(', ')})`, { device });
  }
  const privKey = revealSecret(credential.privKey);
  if (privKey.length < 8) {
    throw new SnmpError('bad-credential', `device ${device}: SNMPv3 privKey must be at least 8 characters`, { device });
  }
  user.privProtocol = priv;
  user.privKey = privKey;
  return user;
}
