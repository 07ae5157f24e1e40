import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { HealthChecks } from './health-checks';
import { TelemetryMetrics } from './telemetry.metrics';
import { HEALTH_CHECKS } from './telemetry.tokens';

/**
 * GET /health/live: the process answers (Kubernetes liveness).
 * GET /health/ready: every registered check is ok; otherwise 503 whose `error` object is keyed
 * by the failing check names (terminus's response shape).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(HEALTH_CHECKS) private readonly checks: HealthChecks,
    private readonly metrics: TelemetryMetrics,
  ) {}

  @Get('live')
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  async ready(): Promise<HealthCheckResult> {
    const results = await this.checks.run();
    this.metrics.recordHealth(results);
    return this.health.check(
      results.map((r) => () => {
        const session = this.indicator.check(r.name);
        const data: Record<string, string> = r.detail === undefined ? {} : { detail: r.detail };
        return r.ok ? session.up(data) : session.down(data);
      }),
    );
  }
}
