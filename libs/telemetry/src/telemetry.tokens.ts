/** Injection tokens of the telemetry module (ADR 0001). Plain strings, importable anywhere. */
/** prom-client `Registry` with default Node metrics and default labels service/site/instance. */
export const METRICS_REGISTRY = 'METRICS_REGISTRY';
/** pino `Logger` bound to service/site/instance; call `.child({ component })` per component. */
export const LOGGER = 'LOGGER';
/** `HealthChecks`: `register(name, check)` feeds `/health/ready`. */
export const HEALTH_CHECKS = 'HEALTH_CHECKS';
/** `TelemetryIdentity` (service, site, instance) after config overrides. */
export const TELEMETRY_IDENTITY = 'TELEMETRY_IDENTITY';
/** The parsed `TelemetryConfig` (http host/port for main.ts to listen on). */
export const TELEMETRY_CONFIG = 'TELEMETRY_CONFIG';
