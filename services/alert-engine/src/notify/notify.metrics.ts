import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Every metric of the notification stage (README "Metrics"). */
export class NotifyMetrics {
  readonly transitionsReceived: Counter<'transition'>;
  readonly transitionsSkipped: Counter<'reason'>;
  readonly notifications: Counter<'receiver' | 'type' | 'outcome'>;
  readonly attempts: Counter<'receiver' | 'type' | 'result'>;
  readonly givenUp: Counter<'receiver' | 'type' | 'reason'>;
  readonly mutedAlerts: Counter<'reason'>;
  readonly groups: Gauge;
  readonly latency: Histogram<'receiver'>;
  readonly configReloads: Counter<'result'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.transitionsReceived = new Counter({ name: 'sonde_alert_notify_transitions_received_total', help: 'alert.state transitions consumed by the notification stage', labelNames: ['transition'], registers });
    this.transitionsSkipped = new Counter({ name: 'sonde_alert_notify_transitions_skipped_total', help: 'Transitions not routed (pending, cancelled, replayed out of order, malformed)', labelNames: ['reason'], registers });
    this.notifications = new Counter({ name: 'sonde_alert_notify_notifications_total', help: 'Notifications per receiver and notifier by outcome (sent, duplicate, given_up)', labelNames: ['receiver', 'type', 'outcome'], registers });
    this.attempts = new Counter({ name: 'sonde_alert_notify_attempts_total', help: 'Send attempts per receiver and notifier (ok, retry, error)', labelNames: ['receiver', 'type', 'result'], registers });
    this.givenUp = new Counter({ name: 'sonde_alert_notify_given_up_total', help: 'Notifications abandoned after the retry bound or a permanent error', labelNames: ['receiver', 'type', 'reason'], registers });
    this.mutedAlerts = new Counter({ name: 'sonde_alert_notify_muted_total', help: 'Alerts left out of a notification, by reason (inhibited, silenced, maintenance, time_interval)', labelNames: ['reason'], registers });
    this.configReloads = new Counter({ name: 'sonde_alert_notify_config_reloads_total', help: 'Notification config reloads (routes, receivers, time intervals), by result (ok, error: the old config stays)', labelNames: ['result'], registers });
    this.groups = new Gauge({ name: 'sonde_alert_notify_groups', help: 'Aggregation groups owned by this replica', registers });
    this.latency = new Histogram({
      name: 'sonde_alert_notify_latency_seconds',
      help: 'From the transition (event ts) to the receiver accepting the notification',
      labelNames: ['receiver'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    });
  }
}
