import { PollEngineMetrics } from '@sonde/snmp/poll/poll-engine.metrics';
import { Gauge, type Registry } from 'prom-client';
import type { VersionSummary } from './version-accounting';

/** Every metric the SNMP poller exposes: the poll engine's counters, and its own gauges. */
export class SnmpPollerMetrics extends PollEngineMetrics {
  constructor(registry: Registry, sources: { versions: () => VersionSummary; pool: () => { open: number; sockets: number; inFlight: number; queued: number }; targets: () => number; owned: () => number }) {
    super(registry, { prefix: 'sonde_snmp_poller_', peers: 'agents', eventKind: 'snmp.metric' });
    const registers = [registry];
    new Gauge({
      name: 'sonde_snmp_poller_devices',
      help: 'Devices by the SNMP version and security level they were last polled with',
      labelNames: ['version', 'security_level'],
      registers,
      collect() {
        this.reset();
        for (const row of sources.versions().rows) this.set({ version: row.version, security_level: row.securityLevel }, row.devices);
      },
    });
    new Gauge({
      name: 'sonde_snmp_poller_targets',
      help: 'Devices of the site to poll, all replicas together (this one polls sonde_snmp_poller_owned_targets of them)',
      registers,
      collect() { this.set(sources.targets()); },
    });
    new Gauge({
      name: 'sonde_snmp_poller_owned_targets',
      help: 'Devices this replica polls: those whose shard (partitionOf) the target assignment gives it',
      registers,
      collect() { this.set(sources.owned()); },
    });
    new Gauge({
      name: 'sonde_snmp_poller_sessions_open',
      help: 'SNMP sessions cached (they share sockets; see sonde_snmp_poller_udp_sockets)',
      registers,
      collect() { this.set(sources.pool().open); },
    });
    new Gauge({ name: 'sonde_snmp_poller_udp_sockets', help: 'Real UDP sockets (file descriptors) used by all sessions', registers, collect() { this.set(sources.pool().sockets); } });
    new Gauge({ name: 'sonde_snmp_poller_requests_in_flight', help: 'SNMP requests in flight', registers, collect() { this.set(sources.pool().inFlight); } });
    new Gauge({ name: 'sonde_snmp_poller_requests_queued', help: 'SNMP requests waiting for a concurrency slot', registers, collect() { this.set(sources.pool().queued); } });
  }
}
