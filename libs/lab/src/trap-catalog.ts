import type { MibValue } from './mib-object';

/**
 * The notifications a lab device sends, as pure data: the SNMPv2 snmpTrapOID, the SNMPv1
 * enterprise/generic/specific triple it maps to (RFC 3584 §3.1), and the varbinds. The emitter
 * only encodes and sends what this returns, so receivers' tests can compare with it.
 */

export interface NotificationParams {
  ifIndex?: number;
  ifAdminStatus?: number;
  ifOperStatus?: number;
  /** ifDescr of the interface, sent with link traps as Cisco and Juniper do. */
  ifDescr?: string;
  /** For the vendor trap: a sequence number to tell notifications apart. */
  seq?: number;
}

export type NotificationVarbind = { oid: string } & MibValue;

export interface Notification {
  name: string;
  /** snmpTrapOID.0 of the SNMPv2 notification. */
  trapOid: string;
  /** SNMPv1 Trap-PDU fields: generic-trap 0–5, or 6 (enterpriseSpecific) with `specific`. */
  v1: { enterprise: string; generic: number; specific: number };
  varbinds: NotificationVarbind[];
}

const SNMP_TRAPS = '1.3.6.1.6.3.1.1.5';
/**
 * v1 enterprise of generic traps as they go on the wire: net-snmp's Session.trap() fixes it to
 * 1.3.6.1.4.1 for generic traps (an agent would normally put its sysObjectID there).
 */
const SNMP_TRAPS_ENTERPRISE = '1.3.6.1.4.1';
/** CISCO-CONFIG-MAN-MIB ciscoConfigManEvent: a vendor notification every receiver meets in the field. */
const CISCO_CONFIG_MAN_NOTIFICATIONS = '1.3.6.1.4.1.9.9.43.2';

function linkVarbinds(p: NotificationParams, defaultOper: number): NotificationVarbind[] {
  const ifIndex = p.ifIndex ?? 1;
  const vbs: NotificationVarbind[] = [
    { oid: `1.3.6.1.2.1.2.2.1.1.${ifIndex}`, type: 'Integer', value: ifIndex },
    { oid: `1.3.6.1.2.1.2.2.1.7.${ifIndex}`, type: 'Integer', value: p.ifAdminStatus ?? 1 },
    { oid: `1.3.6.1.2.1.2.2.1.8.${ifIndex}`, type: 'Integer', value: p.ifOperStatus ?? defaultOper },
  ];
  if (p.ifDescr !== undefined) vbs.push({ oid: `1.3.6.1.2.1.2.2.1.2.${ifIndex}`, type: 'OctetString', value: p.ifDescr });
  return vbs;
}

type NotificationBuilder = (p: NotificationParams) => Notification;

/** Registered by name (style.md rule 6): add a notification here, nowhere else. */
export const NOTIFICATIONS: Readonly<Record<string, NotificationBuilder>> = {
  coldStart: () => ({
    name: 'coldStart',
    trapOid: `${SNMP_TRAPS}.1`,
    v1: { enterprise: SNMP_TRAPS_ENTERPRISE, generic: 0, specific: 0 },
    varbinds: [],
  }),
  linkDown: (p) => ({
    name: 'linkDown',
    trapOid: `${SNMP_TRAPS}.3`,
    v1: { enterprise: SNMP_TRAPS_ENTERPRISE, generic: 2, specific: 0 },
    varbinds: linkVarbinds(p, 2),
  }),
  linkUp: (p) => ({
    name: 'linkUp',
    trapOid: `${SNMP_TRAPS}.4`,
    v1: { enterprise: SNMP_TRAPS_ENTERPRISE, generic: 3, specific: 0 },
    varbinds: linkVarbinds(p, 1),
  }),
  authenticationFailure: () => ({
    name: 'authenticationFailure',
    trapOid: `${SNMP_TRAPS}.5`,
    v1: { enterprise: SNMP_TRAPS_ENTERPRISE, generic: 4, specific: 0 },
    varbinds: [],
  }),
  ciscoConfigManEvent: (p) => {
    const row = p.seq ?? 1;
    const history = '1.3.6.1.4.1.9.9.43.1.1.6.1';
    return {
      name: 'ciscoConfigManEvent',
      // RFC 3584 §3.1: v2 OID = enterprise.0.specific
      trapOid: `${CISCO_CONFIG_MAN_NOTIFICATIONS}.0.1`,
      v1: { enterprise: CISCO_CONFIG_MAN_NOTIFICATIONS, generic: 6, specific: 1 },
      varbinds: [
        { oid: `${history}.3.${row}`, type: 'Integer', value: 1 }, // ccmHistoryEventCommandSource: commandLine(1)
        { oid: `${history}.4.${row}`, type: 'Integer', value: 2 }, // ccmHistoryEventConfigSource: running(2)
        { oid: `${history}.5.${row}`, type: 'Integer', value: 3 }, // ccmHistoryEventConfigDestination: startup(3)
      ],
    };
  },
};

export const NOTIFICATION_NAMES = Object.keys(NOTIFICATIONS) as readonly string[];

export function buildNotification(name: string, params: NotificationParams = {}): Notification {
  const build = NOTIFICATIONS[name];
  if (!build) throw new RangeError(`unknown lab notification "${name}" (known: ${NOTIFICATION_NAMES.join(', ')})`);
  return build(params);
}
