/**
 * What a session needs to talk to one agent. The inventory resolves device config and secret
 * references into this; libs/snmp never reads env or files. A secret is either the plain
 * value or the inventory's Secret wrapper (anything with `reveal()`), unwrapped only here,
 * at the moment a net-snmp session is created, and never logged.
 */
export type SecretValue = string | { reveal(): string };

export type SnmpVersionName = 'v1' | 'v2c' | 'v3';
export type SecurityLevelName = 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';

export interface CommunityCredential {
  version: 'v1' | 'v2c';
  community: SecretValue;
}

export interface UsmCredential {
  version: 'v3';
  user: string;
  level: SecurityLevelName;
  /** a name of AUTH_PROTOCOLS (libs/inventory credentials/usm-protocols.ts) */
  authProtocol?: string;
  authKey?: SecretValue;
  /** a name of PRIV_PROTOCOLS (libs/inventory credentials/usm-protocols.ts) (net-snmp polls all but AES-192) */
  privProtocol?: string;
  privKey?: SecretValue;
  /** SNMPv3 contextName (RFC 3411 §3.3.1); empty by default. */
  context?: string;
}

export type SnmpCredential = CommunityCredential | UsmCredential;

export interface SnmpTarget {
  /** Inventory device id: goes into every error and metric label. */
  device: string;
  /** IP address (v4 or v6) or host name, resolved once when the session opens. */
  address: string;
  port: number;
  credential: SnmpCredential;
  /** First-try timeout; each retry multiplies it by `backoff`. */
  timeoutMs: number;
  retries: number;
  backoff: number;
}

export function revealSecret(value: SecretValue | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : value.reveal();
}

export function securityLevelOf(credential: SnmpCredential): SecurityLevelName {
  return credential.version === 'v3' ? credential.level : 'noAuthNoPriv';
}
