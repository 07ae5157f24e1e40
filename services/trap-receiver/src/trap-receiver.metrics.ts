import { Counter, Gauge, type Registry } from 'prom-client';

/** Every counter the trap receiver exposes (style rule 9). */
export class TrapReceiverMetrics {
  readonly received: Counter;
  readonly parsed: Counter;
  readonly published: Counter;
  readonly dropped: Counter<'reason' | 'stage'>;
  readonly informsAcknowledged: Counter<'version'>;
  readonly usmKeys: Gauge;
  readonly trackedSources: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.received = new Counter({ name: 'sonde_trap_received_total', help: 'Datagrams received', registers });
    this.parsed = new Counter({ name: 'sonde_trap_parsed_total', help: 'Traps and informs decoded, authorized and translated', registers });
    this.published = new Counter({ name: 'sonde_trap_published_total', help: 'snmp.trap events accepted by the bus', registers });
    this.dropped = new Counter({
      name: 'sonde_trap_dropped_total',
      help: 'Datagrams dropped, by reason and stage (decode, security, ratelimit, publish)',
      labelNames: ['reason', 'stage'],
      registers,
    });
    this.informsAcknowledged = new Counter({ name: 'sonde_trap_informs_acknowledged_total', help: 'Inform Responses sent', labelNames: ['version'], registers });
    this.usmKeys = new Gauge({ name: 'sonde_trap_usm_localized_keys', help: 'Pre-localized (engine ID, user) keys; fixed at config load', registers });
    this.trackedSources = new Gauge({ name: 'sonde_trap_ratelimit_sources', help: 'Sources with a token bucket', registers });
  }
}
