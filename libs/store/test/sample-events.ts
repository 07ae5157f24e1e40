import { createEvent } from '@sonde/events/create-event';
import type { SondeEvent } from '@sonde/events/sonde-event';

const origin = { site: 'lab', collector: 'test-1' };
const device = { id: 'router-1', name: 'Router 1', address: '127.0.0.2' };

/** One event of every kind, in the style of libs/events/src/event-codec.spec.ts, at time `ts`. */
export function sampleEvents(ts: number = Date.now()): SondeEvent[] {
  return [
    createEvent('icmp.probe', origin, device, {
      target: '127.0.0.2', family: 4, sent: 3, received: 2, lossPct: 33.3,
      rttMinMs: 0.1, rttAvgMs: 0.2, rttMaxMs: 0.3, rttStddevMs: 0.08, errors: { 'unreachable:1': 1 }, reachability: 'up',
      transition: { from: 'down', to: 'up' },
    }, ts, ts + 5),
    createEvent('snmp.metric', origin, device, {
      group: 'if', samples: [
        { name: 'ifHCInOctets', labels: { ifName: 'eth0' }, value: 12, unit: 'By', type: 'counter' },
        { name: 'ifHCInOctets', labels: { ifName: 'eth1' }, value: 30, unit: 'By', type: 'counter' },
      ],
    }, ts),
    createEvent('snmp.trap', origin, device, {
      version: 'v2c', pdu: 'trap', trapOid: '1.3.6.1.6.3.1.1.5.3', trapName: 'IF-MIB::linkDown', uptime: 100,
      source: { address: '127.0.0.2', port: 40000 }, security: { community: 'public' },
      varbinds: [
        { oid: '1.3.6.1.2.1.2.2.1.8.3', name: 'IF-MIB::ifOperStatus.3', type: 'Integer', value: '2', display: 'down(2)' },
        { oid: '1.3.6.1.2.1.2.2.1.1.3', type: 'Integer', value: '3' },
      ],
    }, ts),
    createEvent('syslog.message', origin, device, {
      facility: 23, severity: 5, format: 'rfc5424', message: 'hello', structuredData: { 'exampleSDID@32473': { iut: '3' } },
      fields: { mnemonic: 'LINK-3-UPDOWN' }, hostname: 'router-1', appName: 'sshd', procId: '42', msgId: 'ID47',
      timeSource: 'message', transport: 'udp', source: { address: '127.0.0.2', port: 514 }, truncated: false,
    }, ts),
    createEvent('rmon.sample', origin, device, {
      table: 'etherStats', samples: [{ name: 'etherStatsOctets', labels: { index: '1' }, value: 5, unit: 'By', type: 'counter' }],
    }, ts),
    createEvent('alert.state', origin, device, {
      ruleId: 'down', ruleName: 'Device down', state: 'firing', severity: 'critical', fingerprint: 'abc',
      since: ts - 60_000, summary: 'router-1 is down', labels: { team: 'noc' }, value: 1,
      annotations: { summary: 'router-1 is down' }, startsAt: ts - 60_000, inhibitedBy: [], flapping: false,
      transition: 'firing', transitionId: 'abc:2', groupKey: 'abc', threshold: 0,
    }, ts),
  ];
}
