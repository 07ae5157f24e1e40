import { compileMatcher, matchesAll, type CompiledMatcher } from './matcher';
import type { MaintenanceWindowConfig } from './notify.config';
import { timeIntervalContains } from './time-interval';

/**
 * A maintenance window (alertEngine.notify.maintenanceWindows): alerts whose labels match
 * (device, site, tag labels) are muted during a weekly schedule or a one-off range. Muted
 * alerts are kept and listed, only not notified; a firing alert still firing when the window
 * ends is notified then.
 */
export class MaintenanceWindow {
  readonly name: string;
  private readonly matchers: CompiledMatcher[];

  constructor(private readonly config: MaintenanceWindowConfig) {
    this.name = config.name;
    this.matchers = config.matchers.map(compileMatcher);
  }

  active(now: number): boolean {
    return this.config.ranges.some((r) => now >= r.start && now < r.end) || this.config.weekly.some((t) => timeIntervalContains(t, now));
  }

  mutes(labels: Readonly<Record<string, string>>, now: number): boolean {
    return matchesAll(this.matchers, labels) && this.active(now);
  }
}
