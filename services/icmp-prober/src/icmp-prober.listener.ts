import { Inject, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { TargetAssignment } from '@sonde/bus/target-assignment';
import { TARGET_ASSIGNMENT } from '@sonde/bus/target-assignment.tokens';
import type { HealthChecks } from '@sonde/telemetry/health-checks';
import { HEALTH_CHECKS, LOGGER } from '@sonde/telemetry/telemetry.tokens';
import type { Logger } from 'pino';
import { IcmpProberService } from './icmp-prober-service';

export const ICMP_PROBER_CONFIG = 'ICMP_PROBER_CONFIG';

/**
 * Nest glue: opens the raw ICMP sockets and starts probing at bootstrap (a missing CAP_NET_RAW
 * fails the boot with the message naming it), stops and publishes what was measured at shutdown.
 */
export class IcmpProberListener implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(IcmpProberService) private readonly prober: IcmpProberService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(HEALTH_CHECKS) private readonly health: HealthChecks,
    @Optional() @Inject(TARGET_ASSIGNMENT) private readonly assignment?: TargetAssignment,
  ) {}

  onApplicationBootstrap(): void {
    const started = this.prober.start();
    const log = this.logger.child({ component: 'icmp-prober' });
    log.info({ ...started, site: this.prober.siteTargetCount }, 'icmp prober started');
    this.health.register('icmp-prober', async () => {
      const pending = this.prober.pendingEvents;
      return { ok: pending < 50_000, detail: `${this.prober.targetCount} of ${this.prober.siteTargetCount} targets owned, ${pending} events waiting for the bus` };
    });
    // Sharded among replicas (TargetAssignmentModule): nothing is probed until the first
    // assignment; each later one (a replica joined, left or died) adds/removes the difference.
    this.assignment
      ?.start(() => log.info(this.prober.refreshTargets(), 'icmp targets reassigned'))
      .catch((err: unknown) => log.error({ err }, 'target assignment failed: probing the targets of the last assignment'));
  }

  async onModuleDestroy(): Promise<void> {
    this.health.unregister('icmp-prober');
    await this.prober.stop();
  }
}
