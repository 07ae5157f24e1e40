import { Inject, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { EventPublisher } from '@sonde/collector/event-publisher';
import type { HealthChecks } from '@sonde/telemetry/health-checks';
import type { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import { HEALTH_CHECKS } from '@sonde/telemetry/telemetry.tokens';
import type { Logger } from 'pino';
import type { TrapReceiverParts } from './build-trap-receiver';
import type { TrapReceiverConfig } from './trap-receiver.config';
import type { TrapSockets } from './trap-sockets';

export const TRAP_RECEIVER_CONFIG = 'TRAP_RECEIVER_CONFIG';

/** What the module builds: the receiver parts and the I/O around them. */
export class TrapRuntime {
  constructor(
    readonly parts: TrapReceiverParts,
    readonly publisher: EventPublisher,
    readonly sockets: TrapSockets,
    readonly badInput: RateLimitedLog,
    readonly log: Logger,
  ) {}
}

/** Nest glue: opens the sockets at bootstrap, summarizes storms per interval, closes at shutdown. */
export class TrapListener implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(TrapRuntime) private readonly runtime: TrapRuntime,
    @Inject(TRAP_RECEIVER_CONFIG) private readonly config: TrapReceiverConfig,
    @Inject(HEALTH_CHECKS) private readonly health: HealthChecks,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { sockets, parts, publisher, badInput, log } = this.runtime;
    const listening = await sockets.start(this.config.listen);
    badInput.start();
    this.timer = setInterval(() => {
      for (const s of parts.rateLimit.summary()) log.warn(s, `source ${s.source} sent ${s.received} traps, ${s.dropped} dropped by the rate limit`);
      parts.metrics.trackedSources.set(parts.rateLimit.trackedSources);
    }, this.config.summaryIntervalSeconds * 1000);
    this.timer.unref();
    log.info({ listening, receiveBufferBytes: sockets.grantedReceiveBufferBytes, engineId: parts.local.engineId.toString('hex'), usmKeys: parts.usm.keyCount }, 'trap receiver listening');
    this.health.register('trap-receiver', async () => {
      const pending = publisher.pendingEvents;
      return { ok: pending < this.config.maxPendingEvents, detail: `${pending} events waiting for the bus` };
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.health.unregister('trap-receiver');
    if (this.timer) clearInterval(this.timer);
    this.runtime.badInput.stop();
    await this.runtime.sockets.close();
  }
}
