import { Counter, Histogram, type Registry } from 'prom-client';

export interface PollEngineMetricsOptions {
  /** `sonde_snmp_poller_`, `sonde_rmon_collector_` (with the trailing underscore) */
  prefix: string;
  /** what the service calls the devices it reads, for the help texts: `agents`, `probes` */
  peers: string;
  /** the event kind it publishes, for the help texts: `snmp.metric`, `rmon.sample` */
  eventKind: string;
}

/**
 * The counters of the poll engine, once for every service on it (ADR 0001:
 * `sonde_<area>_<what>_total`), each named for its unit (README "Counting"): varbinds
 * `received = parsed + dropped{reason,stage}`; events `published` or `dropped{stage=publish}`;
 * samples built in between. The services extend this with their own gauges and counters.
 */
export class PollEngineMetrics {
  readonly polls: Counter<'result'>;
  readonly skipped: Counter<'reason'>;
  readonly late: Counter;
  readonly requests: Counter;
  readonly received: Counter;
  readonly parsed: Counter;
  readonly dropped: Counter<'reason' | 'stage'>;
  readonly samples: Counter;
  readonly published: Counter;
  readonly eventsDropped: Counter<'reason' | 'stage'>;
  readonly errors: Counter<'reason'>;
  readonly ratesWithheld: Counter<'reason'>;
  readonly duration: Histogram;

  constructor(registry: Registry, options: PollEngineMetricsOptions) {
    const registers = [registry];
    const { prefix: p, peers, eventKind } = options;
    this.polls = new Counter({ name: `${p}polls_total`, help: 'Poll cycles finished, by result (ok, partial, unreachable)', labelNames: ['result'], registers });
    this.skipped = new Counter({
      name: `${p}polls_skipped_total`,
      help: 'Cycles not started: busy = the previous cycle of the device still ran; behind = the process fell behind',
      labelNames: ['reason'],
      registers,
    });
    this.late = new Counter({ name: `${p}polls_late_total`, help: 'Cycles started later than lateAfterMs past their slot', registers });
    this.requests = new Counter({ name: `${p}requests_total`, help: 'SNMP requests sent (GET, GETNEXT, GETBULK), retries excluded', registers });
    this.received = new Counter({ name: `${p}varbinds_received_total`, help: `Values of polled objects received from ${peers} (varbinds; walk ends not counted)`, registers });
    this.parsed = new Counter({ name: `${p}varbinds_parsed_total`, help: 'Varbinds that became a sample, a label or an input of one', registers });
    this.dropped = new Counter({
      name: `${p}varbinds_dropped_total`,
      help: 'Varbinds received and not used, by reason (malformed, unsupported, incomplete) and stage',
      labelNames: ['reason', 'stage'],
      registers,
    });
    this.samples = new Counter({ name: `${p}samples_total`, help: 'Samples built from the varbinds (values, rates, poll status)', registers });
    this.published = new Counter({ name: `${p}events_published_total`, help: `${eventKind} events accepted by the bus`, registers });
    this.eventsDropped = new Counter({ name: `${p}events_dropped_total`, help: `${eventKind} events the bus refused, by reason and stage`, labelNames: ['reason', 'stage'], registers });
    this.errors = new Counter({ name: `${p}errors_total`, help: 'Poll errors by reason (timeout, wrong-digest, unknown-user, malformed-response, …)', labelNames: ['reason'], registers });
    this.ratesWithheld = new Counter({
      name: `${p}rates_withheld_total`,
      help: 'Counter readings that produced no rate: first, restart, discontinuity, reset, gap, absurd, time',
      labelNames: ['reason'],
      registers,
    });
    this.duration = new Histogram({
      name: `${p}poll_duration_seconds`,
      help: 'Duration of a device poll cycle',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
  }
}
