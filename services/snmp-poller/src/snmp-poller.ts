import type { EventBus } from '@sonde/bus/event-bus';
import type { EventOrigin } from '@sonde/events/create-event';
import type { CounterStateBackend } from '@sonde/snmp/counters/counter-cache';
import { PollEngine } from '@sonde/snmp/poll/poll-engine';
import { ProfileSelector } from './profile-selector';
import type { SnmpPollerMetrics } from './snmp-poller.metrics';
import type { SnmpPollerConfig } from './snmp-poller.config';
import { VersionAccounting, type VersionSummary } from './version-accounting';

export type { Reassignment } from '@sonde/snmp/poll/poll-engine';

export interface SnmpPollerDeps {
  config: SnmpPollerConfig;
  bus: Pick<EventBus, 'publish'>;
  origin: EventOrigin;
  /** The state store (Redis / memory): last counter readings survive a poller restart. */
  state?: CounterStateBackend;
  metrics?: SnmpPollerMetrics;
  /** Rate-limited by the caller (RateLimitedLog): one line per device per interval. */
  onError?: (device: string, reason: string, message: string) => void;
  /** Clock for sample timestamps (tests and the lab share a fake one); default Date.now. */
  now?: () => number;
  /**
   * Whether this replica polls the device (TargetAssignment.owns, design.md §5); default: every
   * device. Asked again for every target on `reassign()`.
   */
  owns?: (deviceId: string) => boolean;
}

/** The status group name: `snmp_poll_*` samples of every cycle go in one event under it. */
export const POLL_STATUS_GROUP = 'snmp_poll';

/**
 * The poller: the shared poll engine (libs/snmp/src/poll) publishing `snmp.metric` events, one
 * per metric group of the device's profile (chosen by sysObjectID), plus the `snmp_poll` status
 * group; and version accounting per device. No Nest here.
 */
export class SnmpPoller extends PollEngine {
  readonly versions = new VersionAccounting();

  constructor(deps: SnmpPollerDeps) {
    super({
      ...deps,
      kind: 'snmp.metric',
      groups: new ProfileSelector(deps.config),
      statusGroup: POLL_STATUS_GROUP,
      onCycle: (target, { status }) =>
        this.versions.record(target.device.id, { version: status.version, securityLevel: status.securityLevel, reachable: status.reachable }),
      onForget: (id) => this.versions.forget(id),
    });
  }

  versionSummary(): VersionSummary {
    return this.versions.summary();
  }
}
