import type { SnmpTrapPayload, TrapVarbind } from '@sonde/events/payloads/snmp-trap';
import type { OidDictionary } from '@sonde/snmp/mib/oid-dictionary';
import type { Pdu } from '@sonde/snmp/ber/snmp-message';
import { varbindText, type Varbind } from '@sonde/snmp/session/varbind';
import { PDU_TAG } from '@sonde/snmp/ber/snmp-message';
import { SnmpWireError } from '@sonde/snmp/ber/snmp-wire-error';

export const OID = {
  sysUpTime0: '1.3.6.1.2.1.1.3.0',
  snmpTrapOID0: '1.3.6.1.6.3.1.1.4.1.0',
  snmpTraps: '1.3.6.1.6.3.1.1.5',
  snmpTrapAddress0: '1.3.6.1.6.3.18.1.3.0',
  snmpTrapEnterprise0: '1.3.6.1.6.3.1.1.4.3.0',
} as const;

export interface TrapContext {
  version: SnmpTrapPayload['version'];
  source: { address: string; port: number };
  security: SnmpTrapPayload['security'];
  /** the UDP source is a configured relay: its agent-addr / snmpTrapAddress.0 name the device */
  trustedRelay: boolean;
}

export interface TranslatedTrap {
  payload: SnmpTrapPayload;
  /** the address the device is looked up by */
  deviceAddress: string;
}

/**
 * Turns a decoded notification into the `snmp.trap` payload: SNMPv1 traps are converted as
 * RFC 3584 §3.1 says (snmpTrapOID from generic/specific, agent-addr kept), names come from the
 * dictionary with decoded indexes, enums and display hints, types stay as they were on the wire.
 */
export function translateTrap(pdu: Pdu, ctx: TrapContext, dict: OidDictionary): TranslatedTrap {
  let trapOid: string;
  let uptime: number | undefined;
  let list: Varbind[];
  const payloadExtra: Partial<SnmpTrapPayload> = {};
  let agentAddress: string | undefined;
  if (pdu.v1) {
    const { enterprise, genericTrap, specificTrap, timestamp, agentAddr } = pdu.v1;
    // RFC 3584 §3.1 (2): generic 0..5 → snmpTraps.(generic+1); 6 → enterprise.0.specific
    trapOid = genericTrap >= 0 && genericTrap <= 5 ? `${OID.snmpTraps}.${genericTrap + 1}` : `${enterprise}.0.${specificTrap}`;
    uptime = timestamp >>> 0;
    agentAddress = agentAddr;
    payloadExtra.enterprise = enterprise;
    payloadExtra.genericTrap = genericTrap;
    payloadExtra.specificTrap = specificTrap;
    // RFC 3584 §3.1 (3): snmpTrapAddress.0 and snmpTrapEnterprise.0 appended (snmpTrapCommunity.0
    // is left out on purpose: communities are secrets and never reach the bus)
    list = [
      ...pdu.varbinds,
      { oid: OID.snmpTrapAddress0, type: 'IpAddress', value: agentAddr },
      { oid: OID.snmpTrapEnterprise0, type: 'OID', value: enterprise },
    ];
  } else {
    // RFC 3416 §4.2.6: sysUpTime.0 then snmpTrapOID.0 come first
    const up = pdu.varbinds[0];
    const tv = pdu.varbinds[1];
    if (!up || up.oid !== OID.sysUpTime0 || !tv || tv.oid !== OID.snmpTrapOID0 || typeof tv.value !== 'string') {
      throw new SnmpWireError('malformed', 'missing-trap-oid', 'decode', 'notification without sysUpTime.0 and snmpTrapOID.0 as first varbinds');
    }
    uptime = typeof up.value === 'number' ? up.value : undefined;
    trapOid = tv.value;
    list = pdu.varbinds.slice(2);
    const relayed = list.find((v) => v.oid === OID.snmpTrapAddress0);
    if (relayed && typeof relayed.value === 'string') agentAddress = relayed.value;
  }
  const varbinds: TrapVarbind[] = list.map((v) => {
    const t = dict.translate(v.oid);
    const out: TrapVarbind = { oid: v.oid, type: v.type, value: varbindText(v) };
    if (t.node) out.name = t.name;
    const display = dict.formatValue(t.node, v.value);
    if (display !== undefined && display !== out.value) out.display = display;
    return out;
  });
  const trap = dict.translate(trapOid);
  const payload: SnmpTrapPayload = {
    version: ctx.version,
    pdu: pdu.tag === PDU_TAG.inform ? 'inform' : 'trap',
    trapOid,
    ...(trap.node ? { trapName: trap.name } : {}),
    ...(uptime === undefined ? {} : { uptime }),
    source: ctx.source,
    ...(agentAddress === undefined ? {} : { agentAddress }),
    ...payloadExtra,
    security: ctx.security,
    varbinds,
  };
  let deviceAddress = ctx.source.address;
  if (ctx.trustedRelay && agentAddress !== undefined && agentAddress !== '0.0.0.0') {
    deviceAddress = agentAddress;
    payload.relayedBy = ctx.source.address;
  }
  return { payload, deviceAddress };
}
