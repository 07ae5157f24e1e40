import { Counter, Gauge, type Registry } from 'prom-client';

/** Every counter of the evaluation half (`sonde_alert_engine_*`). */
export class AlertEngineMetrics {
  readonly eventsEvaluated: Counter<'kind'>;
  readonly transitions: Counter<'transition' | 'severity'>;
  readonly ruleErrors: Counter<'rule'>;
  readonly reloads: Counter<'result'>;
  readonly rulesLoaded: Gauge;
  readonly activeAlerts: Gauge<'state'>;
  readonly checkpoints: Counter<'result'>;
  readonly devicesAdopted: Counter;
  readonly devicesReleased: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.eventsEvaluated = new Counter({
      name: 'sonde_alert_engine_events_evaluated_total',
      help: 'Events run through the rules, by kind',
      labelNames: ['kind'],
      registers,
    });
    this.transitions = new Counter({
      name: 'sonde_alert_engine_transitions_total',
      help: 'alert.state transitions emitted, by transition and severity',
      labelNames: ['transition', 'severity'],
      registers,
    });
    this.ruleErrors = new Counter({
      name: 'sonde_alert_engine_rule_errors_total',
      help: 'Rule evaluations that threw at run time (counted, logged once per rule per interval, skipped)',
      labelNames: ['rule'],
      registers,
    });
    this.reloads = new Counter({
      name: 'sonde_alert_engine_rule_reloads_total',
      help: 'Rule reloads, by result (ok, error: the old rules stay)',
      labelNames: ['result'],
      registers,
    });
    this.devicesAdopted = new Counter({
      name: 'sonde_alert_engine_devices_adopted_total',
      help: 'Devices loaded from their checkpoint because this replica gained their bus partition (before any new event of theirs)',
      registers,
    });
    this.devicesReleased = new Counter({
      name: 'sonde_alert_engine_devices_released_total',
      help: 'Devices dropped from memory because their bus partition moved to another replica',
      registers,
    });
    this.rulesLoaded = new Gauge({ name: 'sonde_alert_engine_rules_loaded', help: 'Rules currently evaluated', registers });
    this.activeAlerts = new Gauge({
      name: 'sonde_alert_engine_active_alerts',
      help: 'Alert series currently pending or firing',
      labelNames: ['state'],
      registers,
    });
    this.checkpoints = new Counter({
      name: 'sonde_alert_engine_checkpoints_total',
      help: 'Per-device state checkpoints written to the StateStore, by result',
      labelNames: ['result'],
      registers,
    });
  }
}
