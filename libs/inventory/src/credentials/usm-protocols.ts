/**
 * The one USM protocol table (RFC 3414, RFC 7860, RFC 3826, draft-blumenthal-aes-usm-04,
 * draft-reeder-snmpv3-usm-3desede-00), keyed by the config name (style rule 6). The inventory's
 * credential schema (snmp-usm.ts), the poller's sessions (libs/snmp session/net-snmp-usm-user.ts),
 * the received-message USM (libs/snmp usm/), the lab and the tests all read it. It lives here, in
 * the lowest lib that names protocols, because libs/snmp's poll engine reads the inventory: the
 * inventory cannot import libs/snmp. Data only.
 *
 * `netSnmp`: the net-snmp npm library's protocol name when it has one (the poller's engine),
 * `netSnmpTool`: the `-a` / `-x` argument of Debian's net-snmp command-line tools.
 */
export const AUTH_PROTOCOLS = {
  md5: { hash: 'md5', keyLength: 16, macLength: 12, netSnmp: 'md5', netSnmpTool: 'MD5' },
  sha: { hash: 'sha1', keyLength: 20, macLength: 12, netSnmp: 'sha', netSnmpTool: 'SHA' },
  sha224: { hash: 'sha224', keyLength: 28, macLength: 16, netSnmp: 'sha224', netSnmpTool: 'SHA-224' },
  sha256: { hash: 'sha256', keyLength: 32, macLength: 24, netSnmp: 'sha256', netSnmpTool: 'SHA-256' },
  sha384: { hash: 'sha384', keyLength: 48, macLength: 32, netSnmp: 'sha384', netSnmpTool: 'SHA-384' },
  sha512: { hash: 'sha512', keyLength: 64, macLength: 48, netSnmp: 'sha512', netSnmpTool: 'SHA-512' },
} as const;
export type AuthProtocol = keyof typeof AUTH_PROTOCOLS;

/**
 * Key extension for keys longer than the auth hash: Blumenthal (net-snmp's AES-192/AES-256) or
 * Reeder (Cisco's AES-256-C). net-snmp (npm) has no AES-192, and Debian's net-snmp 5.9 tools
 * offer no Reeder variant (`-x DES|AES|AES-192|AES-256`): `undefined` there.
 */
export const PRIV_PROTOCOLS = {
  des: { cipher: 'des-cbc', keyLength: 8, extend: 'none', netSnmp: 'des', netSnmpTool: 'DES' },
  aes: { cipher: 'aes-128-cfb', keyLength: 16, extend: 'none', netSnmp: 'aes', netSnmpTool: 'AES' },
  aes192b: { cipher: 'aes-192-cfb', keyLength: 24, extend: 'blumenthal', netSnmp: undefined, netSnmpTool: 'AES-192' },
  aes256b: { cipher: 'aes-256-cfb', keyLength: 32, extend: 'blumenthal', netSnmp: 'aes256b', netSnmpTool: 'AES-256' },
  aes192r: { cipher: 'aes-192-cfb', keyLength: 24, extend: 'reeder', netSnmp: undefined, netSnmpTool: undefined },
  aes256r: { cipher: 'aes-256-cfb', keyLength: 32, extend: 'reeder', netSnmp: 'aes256r', netSnmpTool: undefined },
} as const;
export type PrivProtocol = keyof typeof PRIV_PROTOCOLS;

/** The names, in table order, for a zod enum (`z.enum(AUTH_PROTOCOL_NAMES)`). */
export const AUTH_PROTOCOL_NAMES = Object.keys(AUTH_PROTOCOLS) as [AuthProtocol, ...AuthProtocol[]];
export const PRIV_PROTOCOL_NAMES = Object.keys(PRIV_PROTOCOLS) as [PrivProtocol, ...PrivProtocol[]];
