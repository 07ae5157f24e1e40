import { netSnmp, type NetSnmpUser } from './net-snmp-api';
import type { UsmUser } from './usm-user';

/** A lab USM user in net-snmp's shape (protocol names → its numeric constants). */
export function toNetSnmpUser(user: UsmUser): NetSnmpUser {
  return {
    name: user.name,
    level: netSnmp.SecurityLevel[user.level],
    ...(user.authProtocol ? { authProtocol: netSnmp.AuthProtocols[user.authProtocol] as number, authKey: user.authKey } : {}),
    ...(user.privProtocol ? { privProtocol: netSnmp.PrivProtocols[user.privProtocol] as number, privKey: user.privKey } : {}),
  };
}
