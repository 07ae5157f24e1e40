import { createEvent } from '@sonde/events/create-event';
import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import type { DeviceRef, SondeEvent } from '@sonde/events/sonde-event';

// Crafted events for the dashboard proof (grafana-dashboards.int-spec.ts): every kind, known
// rates and losses, one device silent for 30 minutes — values the spec checks panels against.

const sampleOrigin = { site: 'lab', collector: 'test-1' };
const sampleDevice = { id: 'router-1', name: 'Router 1', address: '127.0.0.2' };

/** One event of every kind, in the style of libs/events/src/event-codec.spec.ts, at time `ts`. */
function sampleEvents(ts: number = Date.now()): SondeEvent[] {
  return [
    createEvent('icmp.probe', sampleOrigin, sampleDevice, {
      target: '127.0.0.2', family: 4, sent: 3, received: 2, lossPct: 33.3,
      rttMinMs: 0.1, rttAvgMs: 0.2, rttMaxMs: 0.3, rttStddevMs: 0.08, errors: { 'unreachable:1': 1 }, reachability: 'up',
      transition: { from: 'down', to: 'up' },
    }, ts, ts + 5),
    createEvent('snmp.metric', sampleOrigin, sampleDevice, {
      group: 'if', samples: [
        { name: 'ifHCInOctets', labels: { ifName: 'eth0' }, value: 12, unit: 'By', type: 'counter' },
        { name: 'ifHCInOctets', labels: { ifName: 'eth1' }, value: 30, unit: 'By', type: 'counter' },
      ],
    }, ts),
    createEvent('snmp.trap', sampleOrigin, sampleDevice, {
      version: 'v2c', pdu: 'trap', trapOid: '1.3.6.1.6.3.1.1.5.3', trapName: 'IF-MIB::linkDown', uptime: 100,
      source: { address: '127.0.0.2', port: 40000 }, security: { community: 'public' },
      varbinds: [
        { oid: '1.3.6.1.2.1.2.2.1.8.3', name: 'IF-MIB::ifOperStatus.3', type: 'Integer', value: '2', display: 'down(2)' },
        { oid: '1.3.6.1.2.1.2.2.1.1.3', type: 'Integer', value: '3' },
      ],
    }, ts),
    createEvent('syslog.message', sampleOrigin, sampleDevice, {
      facility: 23, severity: 5, format: 'rfc5424', message: 'hello', structuredData: { 'exampleSDID@32473': { iut: '3' } },
      fields: { mnemonic: 'LINK-3-UPDOWN' }, hostname: 'router-1', appName: 'sshd', procId: '42', msgId: 'ID47',
      timeSource: 'message', transport: 'udp', source: { address: '127.0.0.2', port: 514 }, truncated: false,
    }, ts),
    createEvent('rmon.sample', sampleOrigin, sampleDevice, {
      table: 'etherStats', samples: [{ name: 'etherStatsOctets', labels: { index: '1' }, value: 5, unit: 'By', type: 'counter' }],
    }, ts),
    createEvent('alert.state', sampleOrigin, sampleDevice, {
      ruleId: 'down', ruleName: 'Device down', state: 'firing', severity: 'critical', fingerprint: 'abc',
      since: ts - 60_000, summary: 'router-1 is down', labels: { team: 'noc' }, value: 1,
      annotations: { summary: 'router-1 is down' }, startsAt: ts - 60_000, inhibitedBy: [], flapping: false,
      transition: 'firing', transitionId: 'abc:2', groupKey: 'abc', threshold: 0,
    }, ts),
  ];
}


const origin = { site: 'lab', collector: 'test-1' };
// inventory tags as the collectors put them on events (ADR 0006): the Overview's by-tag panel reads them
const router: DeviceRef = { id: 'router-1', name: 'Router 1', address: '127.0.0.2', tags: ['core', 'par1'] };
const sw: DeviceRef = { id: 'switch-2', name: "Switch 2 (o'clock)", address: '127.0.0.3', tags: ['access', 'par1'] };
const silentDevice: DeviceRef = { id: 'switch-9', address: '127.0.0.9' };

function interfaceSamples(ifIndex: number, ifName: string, inBytesPerS: number): MetricSample[] {
  const labels = { ifIndex: String(ifIndex), ifName, ifAlias: `uplink ${ifName}`, ifDescr: ifName };
  const s = (name: string, value: number, type: MetricSample['type'], unit = ''): MetricSample => ({ name, labels, value, unit, type });
  return [
    s('ifAdminStatus', 1, 'status'),
    s('ifOperStatus', ifIndex === 1 ? 1 : 2, 'status'),
    s('ifHighSpeed', 1000, 'gauge', 'Mbit/s'),
    s('ifHCInOctets', 1_000_000 + inBytesPerS, 'counter', 'By'),
    s('ifHCInOctets_rate', inBytesPerS, 'rate', 'By/s'),
    s('ifHCOutOctets_rate', inBytesPerS / 2, 'rate', 'By/s'),
    s('ifInErrors_rate', 0.5, 'rate', '{packet}/s'),
    s('ifOutErrors_rate', 0, 'rate', '{packet}/s'),
    s('ifInDiscards_rate', 0.25, 'rate', '{packet}/s'),
    s('ifOutDiscards_rate', 0, 'rate', '{packet}/s'),
  ];
}

/** Events of every kind within the last hour before `now`, plus one device silent for 30 minutes. */
export function dashboardEvents(now: number): SondeEvent[] {
  const events: SondeEvent[] = [...sampleEvents(now - 5 * 60_000)];
  for (const [i, t] of [now - 4 * 60_000, now - 3 * 60_000, now - 2 * 60_000].entries()) {
    events.push(
      createEvent('snmp.metric', origin, router, { group: 'interfaces', samples: [...interfaceSamples(1, 'eth0', 1000 * (i + 1)), ...interfaceSamples(2, 'eth1', 10)] }, t),
      createEvent('icmp.probe', origin, sw, {
        target: sw.address, family: 4, sent: 5, received: i === 1 ? 0 : 5, lossPct: i === 1 ? 100 : 0,
        ...(i === 1 ? { rttMinMs: null, rttAvgMs: null, rttMaxMs: null, rttStddevMs: null } : { rttMinMs: 0.2, rttAvgMs: 0.4, rttMaxMs: 0.9, rttStddevMs: 0.1 }),
        errors: i === 1 ? { timeout: 5 } : {}, reachability: i === 1 ? 'down' : 'up',
        ...(i === 0 ? {} : { transition: i === 1 ? { from: 'up', to: 'down' } : { from: 'down', to: 'up' } }),
      }, t, t + 3),
      createEvent('syslog.message', origin, sw, {
        facility: 4, severity: i, format: 'rfc3164', message: `login failure ${i} for user 'admin'`, structuredData: {}, fields: {},
        hostname: 'switch-2', appName: 'sshd', timeSource: 'message', transport: 'tcp', source: { address: sw.address, port: 514 }, truncated: false,
      }, t, t + 2),
      createEvent('snmp.trap', origin, sw, {
        version: 'v3', pdu: 'trap', trapOid: '1.3.6.1.6.3.1.1.5.4', trapName: 'IF-MIB::linkUp', uptime: 5000 + i,
        source: { address: sw.address, port: 162 }, security: { user: 'monitor', engineId: '80001f8880e9630000d61ff449', level: 'authPriv' },
        varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.1.2', name: 'IF-MIB::ifIndex.2', type: 'Integer', value: '2', display: '2' }],
      }, t, t + 1),
    );
  }
  events.push(
    createEvent('icmp.probe', origin, silentDevice, {
      target: silentDevice.address, family: 4, sent: 3, received: 3, lossPct: 0, rttMinMs: 1, rttAvgMs: 1, rttMaxMs: 1, rttStddevMs: 0,
      errors: {}, reachability: 'up',
    }, now - 30 * 60_000),
  );
  // HOST-RESOURCES, the system group and poll status (Device and SNMP versions dashboards)
  for (const [i, t] of [now - 4 * 60_000, now - 2 * 60_000].entries()) {
    const g = (name: string, labels: Record<string, string>, value: number, unit = '', type: MetricSample['type'] = 'gauge'): MetricSample => ({ name, labels, value, unit, type });
    events.push(
      createEvent('snmp.metric', origin, router, { group: 'host-cpu', samples: [g('hrProcessorLoad', { hrDeviceIndex: '196608' }, 20 + 10 * i, '%')] }, t),
      createEvent('snmp.metric', origin, router, {
        group: 'host-storage',
        samples: [g('hrStorageSize', { hrStorageIndex: '1', hrStorageDescr: 'Physical memory' }, 1000, 'By'), g('hrStorageUsed', { hrStorageIndex: '1', hrStorageDescr: 'Physical memory' }, 250, 'By')],
      }, t),
      createEvent('snmp.metric', origin, router, { group: 'system', samples: [g('sysUpTime', { sysName: 'router-1.lab', sysDescr: 'Cisco IOS XE', sysObjectID: '1.3.6.1.4.1.9.1.2068' }, 1000 + i, 's')] }, t),
      createEvent('snmp.metric', origin, router, { group: 'snmp_poll', samples: [g('snmp_poll_reachable', { version: 'v2c', security_level: 'noAuthNoPriv', profile: 'cisco' }, 1, '', 'status')] }, t),
      createEvent('snmp.metric', origin, sw, { group: 'snmp_poll', samples: [g('snmp_poll_reachable', { version: 'v3', security_level: 'authPriv', profile: 'default' }, 1, '', 'status')] }, t),
    );
  }
  // alert transitions: a flapping series and an inhibited one (Alerts dashboard)
  const alert = (transition: 'flapping-start' | 'inhibited' | 'resolved', device: DeviceRef, t: number) =>
    createEvent('alert.state', origin, device, {
      ruleId: 'if-down', ruleName: 'Interface down', state: transition === 'resolved' ? 'resolved' : 'firing', severity: 'warning',
      fingerprint: `if-down-${device.id}`, since: t - 60_000, summary: `${device.id} eth1 down`, labels: { ifName: 'eth1' },
      annotations: {}, startsAt: t - 60_000, inhibitedBy: transition === 'inhibited' ? ['device-down:router-1'] : [],
      flapping: transition === 'flapping-start', transition, transitionId: `if-down-${device.id}:${t}`,
    }, t);
  events.push(alert('flapping-start', sw, now - 3 * 60_000), alert('inhibited', sw, now - 2 * 60_000), alert('resolved', sw, now - 60_000));
  // RMON (the rmon-collector's sample names; RMON dashboard)
  const probeLabels = { etherStatsIndex: '1', ifIndex: '1', ifName: 'eth0', data_source: 'ifIndex.1', counter_bits: '64' };
  const r = (name: string, value: number, labels: Record<string, string> = probeLabels, type: MetricSample['type'] = 'gauge', unit = ''): MetricSample => ({ name, labels, value, unit, type });
  for (const [i, t] of [now - 4 * 60_000, now - 2 * 60_000].entries()) {
    events.push(
      createEvent('rmon.sample', origin, router, {
        table: 'etherStats',
        samples: [
          r('rmon_utilization_pct', 10 + i, probeLabels, 'gauge', '%'), r('rmon_error_pct', 0.5, probeLabels, 'gauge', '%'),
          r('etherStatsCRCAlignErrors_rate', 2, probeLabels, 'rate', '{packet}/s'), r('etherStatsFragments_rate', 1, probeLabels, 'rate', '{packet}/s'),
          ...['64', '65-127', '128-255', '256-511', '512-1023', '1024-1518'].map((size) => r('rmon_size_pct', 100 / 6, { ...probeLabels, size }, 'gauge', '%')),
        ],
      }, t),
      createEvent('rmon.sample', origin, router, { table: 'etherHistory', samples: [r('etherHistoryUtilization', 12, { historyIndex: '1', sampleIndex: String(7 + i), ifName: 'eth0' }, 'gauge', '%')] }, t - 30_000),
    );
  }
  events.push(
    createEvent('rmon.sample', origin, router, { table: 'etherHistoryLoss', samples: [r('etherHistoryBucketsLost', 3, { historyIndex: '1', first_sample_index: '2', last_sample_index: '4', reason: 'aged-out' })] }, now - 3 * 60_000),
    createEvent('rmon.sample', origin, router, {
      table: 'alarmTable',
      samples: ['alarmValue', 'alarmRisingThreshold', 'alarmFallingThreshold'].map((name, k) => r(name, [120, 100, 10][k] ?? 0, { alarmIndex: '1', variable: '1.3.6.1.2.1.16.1.1.1.8.1', variable_name: 'etherStatsCRCAlignErrors.1', sample_type: 'delta' })),
    }, now - 3 * 60_000),
    createEvent('rmon.sample', origin, router, { table: 'logTable', samples: [r('logEntry', 1, { eventIndex: '1', logIndex: '5', description: 'CRC rising', event_description: 'errors rising' })] }, now - 3 * 60_000),
    // RMON2 hosts and conversations (rmon2-host-samples.ts names and labels)
    createEvent('rmon.sample', origin, router, {
      table: 'rmon2',
      samples: [
        r('nlHostInOctets', 5000, { hlHostControlIndex: '1', data_source: '1.3.6.1.2.1.2.2.1.1.1', ifIndex: '1', protocol: 'ip', address: '10.1.1.101' }, 'gauge', 'By'),
        r('nlHostOutOctets', 900, { hlHostControlIndex: '1', data_source: '1.3.6.1.2.1.2.2.1.1.1', ifIndex: '1', protocol: 'ip', address: '10.1.1.101' }, 'gauge', 'By'),
        r('nlHostOutPkts', 12, { hlHostControlIndex: '1', data_source: '1.3.6.1.2.1.2.2.1.1.1', ifIndex: '1', protocol: 'ip', address: '10.1.1.101' }),
        r('nlMatrixSDOctets', 4000, { hlMatrixControlIndex: '1', data_source: '1.3.6.1.2.1.2.2.1.1.1', ifIndex: '1', protocol: 'ip', source: '10.1.1.10', destination: '10.1.1.101' }, 'gauge', 'By'),
        r('nlMatrixSDPkts', 40, { hlMatrixControlIndex: '1', data_source: '1.3.6.1.2.1.2.2.1.1.1', ifIndex: '1', protocol: 'ip', source: '10.1.1.10', destination: '10.1.1.101' }),
      ],
    }, now - 3 * 60_000),
  );
  return events;
}

