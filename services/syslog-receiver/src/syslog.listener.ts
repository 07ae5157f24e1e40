import { Inject, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { HealthChecks } from '@sonde/telemetry/health-checks';
import { HEALTH_CHECKS, LOGGER } from '@sonde/telemetry/telemetry.tokens';
import type { Logger } from 'pino';
import { SyslogReceiver } from './syslog-receiver';
import type { SyslogReceiverConfig } from './syslog-receiver.config';

export const SYSLOG_RECEIVER_CONFIG = 'SYSLOG_RECEIVER_CONFIG';

/** Nest glue: opens the syslog sockets at bootstrap, closes them (publishing what was read) at shutdown. */
export class SyslogListener implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(SyslogReceiver) private readonly receiver: SyslogReceiver,
    @Inject(SYSLOG_RECEIVER_CONFIG) private readonly config: SyslogReceiverConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(HEALTH_CHECKS) private readonly health: HealthChecks,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const listening = await this.receiver.start();
    this.logger.info({ component: 'syslog-receiver', listening }, 'syslog receiver listening');
    const buffer = listening.udpReceiveBuffer;
    if (buffer?.capped) {
      // the kernel doubles what it sets (socket(7)): granted/2 is what the cap let through
      this.logger.warn(
        { component: 'syslog-receiver', receiveBuffer: buffer },
        `syslog UDP receive buffer: ${buffer.requested} bytes asked (syslogReceiver.udp.receiveBufferBytes), the kernel set ${buffer.granted / 2} (net.core.rmem_max caps it; raise it with sysctl to absorb longer bursts)`,
      );
    }
    this.health.register('syslog-receiver', async () => {
      const pending = this.receiver.pendingEvents;
      return { ok: pending < this.config.batch.maxPendingEvents, detail: `${pending} events waiting for the bus` };
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.health.unregister('syslog-receiver');
    await this.receiver.stop();
  }
}
