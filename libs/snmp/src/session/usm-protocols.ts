import snmp from 'net-snmp';
import { SnmpError } from './snmp-error';
import { revealSecret, type UsmCredential } from './snmp-credential';

/**
 * USM authentication protocols by config name (RFC 3414 MD5/SHA-1, RFC 7860 SHA-2 family).
 * A map keyed by config `type`, not a switch: adding one is one line.
 */
export const AUTH_PROTOCOLS: Readonly<Record<string, number>> = {
  md5: snmp.AuthProtocols.md5,
  sha: snmp.AuthProtocols.sha,
  sha1: snmp.AuthProtocols.sha,
  sha224: snmp.AuthProtocols.sha224,
  sha256: snmp.AuthProtocols.sha256,
  sha384: snmp.AuthProtocols.sha384,
  sha512: snmp.AuthProtocols.sha512,
};

/**
 * USM privacy protocols. AES-256 has two incompatible key-extension schemes when the auth
 * hash is shorter than the key: `aes256b` is draft-blumenthal-aes-usm-04 (Net-SNMP's
 * `AES256`), `aes256r` is draft-reeder-snmpv3-usm-3desede-00 (Cisco's, Net-SNMP's `AES256C`).
 */
export const PRIV_PROTOCOLS: Readonly<Record<string, number>> = {
  des: snmp.PrivProtocols.des,
  aes: snmp.PrivProtocols.aes,
  aes128: snmp.PrivProtocols.aes,
  aes256b: snmp.PrivProtocols.aes256b,
  aes256r: snmp.PrivProtocols.aes256r,
};

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
  const auth = AUTH_PROTOCOLS[(credential.authProtocol ?? 'sha').toLowerCase()];
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
  const priv = PRIV_PROTOCOLS[(credential.privProtocol ?? 'aes').toLowerCase()];
  if (priv === undefined) {
    throw new SnmpError('bad-credential', `device ${device}: unknown SNMPv3 privProtocol '${credential.privProtocol}' (one of ${Object.keys(PRIV_PROTOCOLS).join(', ')})`, { device });
  }
  const privKey = revealSecret(credential.privKey);
  if (privKey.length < 8) {
    throw new SnmpError('bad-credential', `device ${device}: SNMPv3 privKey must be at least 8 characters`, { device });
  }
  user.privProtocol = priv;
  user.privKey = privKey;
  return user;
}
