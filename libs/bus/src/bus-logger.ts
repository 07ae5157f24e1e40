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
