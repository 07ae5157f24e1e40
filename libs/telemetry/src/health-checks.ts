export interface HealthStatus {
  ok: boolean;
  detail?: string;
}

export type HealthCheck = () => Promise<HealthStatus>;

export interface HealthCheckResult extends HealthStatus {
  name: string;
}

/**
 * The readiness registry: each component registers a named check (Kafka connected, spool
 * below its bound, ClickHouse answering). Ready means every check is ok. A check that throws
 * or takes longer than `timeoutMs` counts as failed, so one hung dependency cannot hang the
 * probe itself.
 */
export class HealthChecks {
  private readonly checks = new Map<string, HealthCheck>();

  constructor(private readonly timeoutMs = 5000) {}

  register(name: string, check: HealthCheck): void {
    if (this.checks.has(name)) throw new Error(`health check "${name}" is already registered`);
    this.checks.set(name, check);
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  async run(): Promise<HealthCheckResult[]> {
    return Promise.all([...this.checks].map(([name, check]) => this.runOne(name, check)));
  }

  private async runOne(name: string, check: HealthCheck): Promise<HealthCheckResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<HealthStatus>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${this.timeoutMs} ms` }), this.timeoutMs);
      timer.unref();
    });
    try {
      const status = await Promise.race([check(), timeout]);
      return { name, ok: status.ok === true, ...(status.detail === undefined ? {} : { detail: status.detail }) };
    } catch (err) {
      return { name, ok: false, detail: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  }
}
