/**
 * The slice of pino's Logger the bus uses (pino's LOGGER from libs/telemetry satisfies it):
 * `logger.warn({ topic }, 'message')`.
 */
export interface BusLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentBusLogger: BusLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Logs one line per key per interval: outages must not flood the log (style.md). */
export class RateLimitedLog {
  private readonly last = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();

  constructor(
    private readonly logger: BusLogger,
    private readonly intervalMs = 10_000,
  ) {}

  warn(key: string, obj: object, msg: string): void {
    const now = Date.now();
    const last = this.last.get(key);
    if (last !== undefined && now - last < this.intervalMs) {
      this.suppressed.set(key, (this.suppressed.get(key) ?? 0) + 1);
      return;
    }
    const suppressed = this.suppressed.get(key) ?? 0;
    this.suppressed.delete(key);
    this.last.set(key, now);
    this.logger.warn(suppressed ? { ...obj, suppressed } : obj, msg);
  }
}
