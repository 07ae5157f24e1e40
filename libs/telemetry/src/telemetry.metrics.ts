import { Gauge, type Registry } from 'prom-client';
import type { HealthCheckResult } from './health-checks';

/** What the telemetry lib itself exposes, beside the default Node.js process metrics. */
export class TelemetryMetrics {
  /** 1 if the named readiness check passed at the last /health/ready, 0 if it failed. */
  readonly healthCheckUp: Gauge<'check'>;

  constructor(registry: Registry) {
    this.healthCheckUp = new Gauge({
      name: 'sonde_health_check_up',
      help: 'Result of each readiness check at the last /health/ready probe (1 ok, 0 failing)',
      labelNames: ['check'],
      registers: [registry],
    });
  }

  recordHealth(results: readonly HealthCheckResult[]): void {
    for (const r of results) this.healthCheckUp.set({ check: r.name }, r.ok ? 1 : 0);
  }
}
