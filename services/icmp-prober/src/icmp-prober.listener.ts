import { Inject, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
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
  ) {}

  onApplicationBootstrap(): void {
    const started = this.prober.start();
    this.logger.info({ component: 'icmp-prober', ...started }, 'icmp prober started');
    this.health.register('icmp-prober', async () => {
      const pending = this.prober.pendingEvents;
      return { ok: pending < 50_000, detail: `${pending} events waiting for the bus` };
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.health.unregister('icmp-prober');
    await this.prober.stop();
  }
}
