import type { EventBus, Subscription } from '@sonde/bus/event-bus';
import { EVENT_FAMILIES } from '@sonde/events/event-kind';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { Registry } from 'prom-client';
import { EventRateTracker } from './event-rate-tracker';
import type { StatusView } from './render-status';

interface ActiveAlert {
  name: string;
  device: string;
  since: number;
  muted: boolean;
}

/**
 * What `sonde up` shows: it listens on the bus as its own consumer group (so it sees every
 * event, like the writer does) and reads totals and drops from the metrics registry — every
 * `*_dropped_total` counter any service registers shows up without this file knowing it.
 */
export class StatusTracker {
  readonly rates: EventRateTracker;
  private readonly alerts = new Map<string, ActiveAlert>();
  private subscription: Subscription | undefined;
  private feed: { recent(): readonly { at: number; receiver: string; title: string }[] } | undefined;
  readonly notes: string[] = [];

  constructor(
    private readonly registry: Registry,
    private readonly site: string,
    private readonly startedAt: number = Date.now(),
    private readonly now: () => number = Date.now,
  ) {
    this.rates = new EventRateTracker(10, now);
  }

  /** Shows the alert engine's notification feed (what the `log` notifier sent) on the screen. */
  showNotifications(feed: { recent(): readonly { at: number; receiver: string; title: string }[] }): void {
    this.feed = feed;
  }

  async attach(bus: EventBus): Promise<void> {
    this.subscription = await bus.subscribe({
      group: 'sonde-status',
      families: EVENT_FAMILIES,
      maxBatchWaitMs: 200,
      handler: async (batch) => {
        for (const e of batch.events) this.observe(e);
      },
    });
  }

  observe(event: SondeEvent): void {
    this.rates.record(event.kind);
    if (event.kind === 'alert.state') {
      const p = event.payload;
      if (p.state === 'firing') this.alerts.set(p.fingerprint, { name: p.ruleName, device: event.device.name ?? event.device.id, since: p.since, muted: p.inhibitedBy.length > 0 });
      else if (p.state === 'resolved') this.alerts.delete(p.fingerprint);
    }
  }

  async view(): Promise<StatusView> {
    const metrics = await this.registry.getMetricsAsJSON();
    let stored = 0;
    const drops: { what: string; count: number }[] = [];
    const snmpVersions: StatusView['snmpVersions'] = [];
    const rmonProbes: NonNullable<StatusView['rmonProbes']> = [];
    for (const m of metrics) {
      const total = (m.values ?? []).reduce((s, v) => s + (typeof v.value === 'number' ? v.value : 0), 0);
      if (m.name === 'sonde_event_writer_events_written_total') stored = total;
      else if (m.name === 'sonde_snmp_poller_devices') {
        for (const v of m.values ?? []) {
          snmpVersions.push({ version: String(v.labels.version), securityLevel: String(v.labels.security_level), devices: Number(v.value) });
        }
      }
      else if (m.name === 'sonde_rmon_collector_probes') {
        for (const v of m.values ?? []) rmonProbes.push({ groups: String(v.labels.groups), highCapacity: v.labels.high_capacity === 'true', probes: Number(v.value) });
      }
      else if (m.name.endsWith('_dropped_total')) {
        drops.push({ what: m.name.replace(/^sonde_/, '').replace(/_dropped_total$/, ''), count: total });
      }
    }
    return {
      startedAt: this.startedAt,
      now: this.now(),
      site: this.site,
      rates: this.rates.rates(),
      stored,
      drops,
      activeAlerts: [...this.alerts.values()],
      snmpVersions,
      rmonProbes,
      notes: this.notes,
      notifications: (this.feed?.recent() ?? []).slice(-5).map((n) => ({ at: n.at, receiver: n.receiver, title: n.title })),
    };
  }

  async close(): Promise<void> {
    await this.subscription?.close();
  }
}
