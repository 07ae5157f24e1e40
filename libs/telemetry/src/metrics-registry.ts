import { Registry, collectDefaultMetrics } from 'prom-client';
import type { TelemetryIdentity } from './telemetry-identity';

/**
 * One prom-client Registry per process (never the global one, so tests and `sonde up` stay
 * isolated). Default labels service/site/instance go on every series.
 */
export function createMetricsRegistry(identity: TelemetryIdentity, options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: identity.service, site: identity.site, instance: identity.instance });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}
