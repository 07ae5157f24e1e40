import { metricGroupSchema, type MetricGroup } from './metric-group';

// The default profile's metric groups, in the same shape as user groups in config, so a user
// can replace one by defining a group with the same name. OIDs: SNMPv2-MIB (RFC 3418),
// IF-MIB (RFC 2863), HOST-RESOURCES-MIB (RFC 2790).
const IF = '1.3.6.1.2.1.2.2.1';
const IFX = '1.3.6.1.2.1.31.1.1.1';
const HR = '1.3.6.1.2.1.25';
/** ifHighSpeed is in Mbit/s: bytes/s = × 125 000; minimum-size frames (84 B on the wire) = × 1488.1 packets/s. */
const bytesCeiling = { column: 'ifHighSpeed', multiplier: 125_000 };
const packetsCeiling = { column: 'ifHighSpeed', multiplier: 1488.1 };

const raw = [
  {
    name: 'system',
    scalars: [
      { oid: '1.3.6.1.2.1.1.5.0', name: 'sysName', type: 'label' },
      // identity for the store's `devices` table (libs/store schema/devices-table.ts)
      { oid: '1.3.6.1.2.1.1.1.0', name: 'sysDescr', type: 'label' },
      { oid: '1.3.6.1.2.1.1.2.0', name: 'sysObjectID', type: 'label' },
      { oid: '1.3.6.1.2.1.1.3.0', name: 'sysUpTime', type: 'gauge', unit: 's', scale: 0.01 },
    ],
  },
  {
    name: 'interfaces',
    table: {
      index: ['ifIndex'],
      columns: [
        { oid: `${IFX}.1`, name: 'ifName', type: 'label' },
        { oid: `${IF}.2`, name: 'ifDescr', type: 'label' },
        { oid: `${IFX}.18`, name: 'ifAlias', type: 'label' },
        { oid: `${IF}.7`, name: 'ifAdminStatus', type: 'status' },
        { oid: `${IF}.8`, name: 'ifOperStatus', type: 'status' },
        { oid: `${IF}.5`, name: 'ifSpeed', type: 'gauge', unit: 'bit/s' },
        { oid: `${IFX}.15`, name: 'ifHighSpeed', type: 'gauge', unit: 'Mbit/s' },
        { oid: `${IFX}.6`, name: 'ifHCInOctets', type: 'counter', unit: 'By', fallback: { oid: `${IF}.10`, name: 'ifInOctets' }, rateCeiling: bytesCeiling },
        { oid: `${IFX}.10`, name: 'ifHCOutOctets', type: 'counter', unit: 'By', fallback: { oid: `${IF}.16`, name: 'ifOutOctets' }, rateCeiling: bytesCeiling },
        { oid: `${IFX}.7`, name: 'ifHCInUcastPkts', type: 'counter', unit: '{packet}', fallback: { oid: `${IF}.11`, name: 'ifInUcastPkts' }, rateCeiling: packetsCeiling },
        { oid: `${IFX}.11`, name: 'ifHCOutUcastPkts', type: 'counter', unit: '{packet}', fallback: { oid: `${IF}.17`, name: 'ifOutUcastPkts' }, rateCeiling: packetsCeiling },
        { oid: `${IFX}.8`, name: 'ifHCInMulticastPkts', type: 'counter', unit: '{packet}', rateCeiling: packetsCeiling },
        { oid: `${IFX}.9`, name: 'ifHCInBroadcastPkts', type: 'counter', unit: '{packet}', rateCeiling: packetsCeiling },
        { oid: `${IFX}.12`, name: 'ifHCOutMulticastPkts', type: 'counter', unit: '{packet}', rateCeiling: packetsCeiling },
        { oid: `${IFX}.13`, name: 'ifHCOutBroadcastPkts', type: 'counter', unit: '{packet}', rateCeiling: packetsCeiling },
        { oid: `${IF}.13`, name: 'ifInDiscards', type: 'counter', unit: '{packet}', rateCeiling: packetsCeiling },
        { oid: `${IF}.14`, name: 'ifInErrors', type: 'counter', unit: '{packet}', rateCeiling: packetsCeiling },
        { oid: `${IF}.19`, name: 'ifOutDiscards', type: 'counter', unit: '{packet}', rateCeiling: packetsCeiling },
        { oid: `${IF}.20`, name: 'ifOutErrors', type: 'counter', unit: '{packet}', rateCeiling: packetsCeiling },
        { oid: `${IFX}.19`, name: 'ifCounterDiscontinuityTime', type: 'gauge', unit: 's', scale: 0.01, discontinuity: true },
      ],
    },
  },
  {
    name: 'host-resources',
    scalars: [{ oid: `${HR}.2.2.0`, name: 'hrMemorySize', type: 'gauge', unit: 'KiBy' }],
  },
  {
    name: 'host-cpu',
    table: { index: ['hrDeviceIndex'], columns: [{ oid: `${HR}.3.3.1.2`, name: 'hrProcessorLoad', type: 'gauge', unit: '%' }] },
  },
  {
    name: 'host-storage',
    table: {
      index: ['hrStorageIndex'],
      columns: [
        { oid: `${HR}.2.3.1.3`, name: 'hrStorageDescr', type: 'label' },
        { oid: `${HR}.2.3.1.4`, name: 'hrStorageAllocationUnits', type: 'gauge', unit: 'By' },
        { oid: `${HR}.2.3.1.5`, name: 'hrStorageSize', type: 'gauge', unit: 'By', scaleByColumn: 'hrStorageAllocationUnits' },
        { oid: `${HR}.2.3.1.6`, name: 'hrStorageUsed', type: 'gauge', unit: 'By', scaleByColumn: 'hrStorageAllocationUnits' },
      ],
    },
  },
];

export const BUILTIN_GROUPS: readonly MetricGroup[] = raw.map((g) => metricGroupSchema.parse(g));

/** The default profile: what every device without a matching profile is polled for. */
export const DEFAULT_PROFILE_GROUPS = ['system', 'interfaces', 'host-resources', 'host-cpu', 'host-storage'];
