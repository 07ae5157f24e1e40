import { MaintenanceWindow } from './maintenance-window';
import type { NotifyAlert } from './notify-alert';
import type { NotifyConfig } from './notify.config';
import type { Route } from './route-tree';
import type { SilenceStore } from './silence-store';
import { timeIntervalContains, type TimeInterval } from './time-interval';

/**
 * Why an alert is not notified right now on a route, or null: inhibited (evaluation side),
 * silenced, in a maintenance window, in one of the route's `mute_time_intervals`, or outside
 * all of its `active_time_intervals` (Alertmanager's order: inhibition, silences, time).
 */
export class AlertMuting {
  private readonly windows: MaintenanceWindow[];
  private readonly intervals: ReadonlyMap<string, readonly TimeInterval[]>;

  constructor(
    config: Pick<NotifyConfig, 'maintenanceWindows' | 'time_intervals'>,
    readonly silences: SilenceStore,
  ) {
    this.windows = config.maintenanceWindows.map((w) => new MaintenanceWindow(w));
    this.intervals = new Map(config.time_intervals.map((t) => [t.name, t.time_intervals]));
  }

  private inInterval(name: string, now: number): boolean {
    return (this.intervals.get(name) ?? []).some((t) => timeIntervalContains(t, now));
  }

  /** Maintenance windows muting `labels` at `now` (names). */
  maintenanceOf(labels: Readonly<Record<string, string>>, now: number): string[] {
    return this.windows.filter((w) => w.mutes(labels, now)).map((w) => w.name);
  }

  mutedReason(alert: NotifyAlert, route: Route | null, now: number): string | null {
    if (alert.inhibitedBy.length > 0) return `inhibited by ${alert.inhibitedBy.join(',')}`;
    const silenced = this.silences.mutedBy(alert.labels, now);
    if (silenced.length > 0) return `silenced by ${silenced.join(',')}`;
    const windows = this.maintenanceOf(alert.labels, now);
    if (windows.length > 0) return `maintenance window ${windows.join(',')}`;
    if (route) {
      const mute = route.muteTimeIntervals.find((n) => this.inInterval(n, now));
      if (mute) return `mute time interval ${mute}`;
      if (route.activeTimeIntervals.length > 0 && !route.activeTimeIntervals.some((n) => this.inInterval(n, now))) return 'outside active time intervals';
    }
    return null;
  }
}
