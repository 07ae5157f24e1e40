import { logLevel, type logCreator } from 'kafkajs';
import { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import type { BusLogger } from '../bus-logger';

/**
 * Routes kafkajs' own log lines to the bus logger. An outage makes kafkajs log every failed
 * connection attempt at ERROR: those become one warning per message text per 10 s.
 */
export function kafkajsLogCreator(logger: BusLogger): logCreator {
  const limited = new RateLimitedLog(logger, { intervalMs: 10_000 });
  return () =>
    ({ level, log }) => {
      const { message, timestamp: _ts, logger: _l, ...rest } = log;
      if (level === logLevel.ERROR || level === logLevel.WARN) limited.log(`kafkajs:${message}`, `kafkajs:${message}`, { kafkajs: rest }, `kafkajs: ${message}`);
      else logger.debug({ kafkajs: rest }, `kafkajs: ${message}`);
    };
}
