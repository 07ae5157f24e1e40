import { PollEngine, type PollServiceDeps } from '@sonde/snmp/poll/poll-engine';
import { ProfileSelector } from './profile-selector';
import type { SnmpPollerMetrics } from './snmp-poller.metrics';
import type { SnmpPollerConfig } from './snmp-poller.config';
import { VersionAccounting, type VersionSummary } from './version-accounting';

export type { Reassignment } from '@sonde/snmp/poll/poll-engine';

/** The poller's config section and metrics, and the engine's seams (bus, state, ownership…). */
export type SnmpPollerDeps = PollServiceDeps<SnmpPollerConfig, SnmpPollerMetrics>;

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
