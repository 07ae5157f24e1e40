import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './telemetry.config';
import type { TelemetryIdentity } from './telemetry-identity';

export type { Logger } from 'pino';

export const REDACTED = '[redacted]';

/**
 * Field names that hold secrets (SNMP communities, USM keys, tokens, passwords), redacted at
 * the top level and one or two levels down. `Secret` values (libs/inventory) already print as
 * `[redacted]`; this list is the second belt for plain strings that slipped into a log call.
 */
const SECRET_FIELDS = ['password', 'community', 'authKey', 'privKey', 'token', 'secret', 'apiKey', 'routingKey'];
export const DEFAULT_REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
];

export interface TelemetryLoggerOptions {
  level?: LogLevel;
  redactPaths?: readonly string[];
  /** Where lines go; stdout by default. Tests pass a stream to read them back. */
  destination?: DestinationStream;
}

/** JSON lines on stdout, one per event, bound to service/site/instance. Times are epoch ms. */
export function createLogger(identity: TelemetryIdentity, options: TelemetryLoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: identity.service, site: identity.site, instance: identity.instance },
      redact: { paths: [...DEFAULT_REDACT_PATHS, ...(options.redactPaths ?? [])], censor: REDACTED },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
