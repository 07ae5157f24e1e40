import { timeTicksSince } from './lab-counters';
import { scalarRows, type MibObject, type MibValue } from './mib-object';
import { parseOid } from './oid-order';

const SYSTEM = '1.3.6.1.2.1.1';

function scalar(name: string, sub: number, value: MibObject['value']): MibObject {
  return { name, oid: parseOid(`${SYSTEM}.${sub}`), rows: scalarRows, value };
}

const text = (value: string): MibValue => ({ type: 'OctetString', value });

/** SNMPv2-MIB system group (RFC 3418 §2). sysUpTime is live: hundredths of a second since the last boot. */
export const SYSTEM_GROUP: readonly MibObject[] = [
  scalar('sysDescr', 1, (d) => text(d.spec.profile.sysDescr(d.spec.name))),
  scalar('sysObjectID', 2, (d) => ({ type: 'OID', value: d.spec.profile.sysObjectID })),
  scalar('sysUpTime', 3, (d, _i, now) => ({ type: 'TimeTicks', value: timeTicksSince(d.bootAtMs(now), now) })),
  scalar('sysContact', 4, (d) => text(d.spec.sysContact)),
  scalar('sysName', 5, (d) => text(d.spec.name)),
  scalar('sysLocation', 6, (d) => text(d.spec.sysLocation)),
  scalar('sysServices', 7, (d) => ({ type: 'Integer', value: d.spec.profile.sysServices })),
];
