import { Counter, Histogram, type Registry } from 'prom-client';

/** Every metric of `sonde up`'s ClickHouse HTTP interface (`sonde_clickhouse_http_*`). */
export class ClickHouseHttpMetrics {
  /** Requests answered, per HTTP status. */
  readonly requests: Counter<'status'>;
  /** Requests answered with a ClickHouse error, per error name (UNKNOWN_TABLE, AUTHENTICATION_FAILED, …). */
  readonly errors: Counter<'code'>;
  /** Time from the request's body read to the answer, seconds. */
  readonly duration: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({ name: 'sonde_clickhouse_http_requests_total', help: 'ClickHouse HTTP interface requests, per status', labelNames: ['status'], registers });
    this.errors = new Counter({ name: 'sonde_clickhouse_http_errors_total', help: 'ClickHouse HTTP interface errors, per ClickHouse error name', labelNames: ['code'], registers });
    this.duration = new Histogram({
      name: 'sonde_clickhouse_http_request_duration_seconds',
      help: 'ClickHouse HTTP interface request handling time',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
  }
}
