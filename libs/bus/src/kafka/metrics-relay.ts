import { Counter, Gauge, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { BusMetrics } from '../bus.metrics';

type Snapshot = MetricObjectWithValues<MetricValue<string>>[];

/**
 * Applies snapshots of a producer thread's BusMetrics (its own registry: prom-client registries
 * do not cross threads) to the caller's BusMetrics: counters by the increase since the previous
 * snapshot, gauges set. Counters only grow, so a value below the last one seen is a restarted
 * thread counting from 0 again and all of it is new.
 */
export class MetricsRelay {
  private readonly byName = new Map<string, Counter<string> | Gauge<string>>();
  private readonly last = new Map<string, number>();

  constructor(target: BusMetrics) {
    for (const m of Object.values(target) as unknown[]) {
      if (m instanceof Counter || m instanceof Gauge) this.byName.set((m as unknown as { name: string }).name, m as Counter<string> | Gauge<string>);
    }
  }

  apply(snapshot: Snapshot): void {
    for (const metric of snapshot) {
      const target = this.byName.get(metric.name);
      if (!target) continue;
      for (const v of metric.values) {
        const labels = (v.labels ?? {}) as Record<string, string | number>;
        if (target instanceof Gauge) {
          target.set(labels, v.value);
          continue;
        }
        const id = `${metric.name}${JSON.stringify(labels)}`;
        const before = this.last.get(id) ?? 0;
        const delta = v.value >= before ? v.value - before : v.value;
        this.last.set(id, v.value);
        if (delta > 0) target.inc(labels, delta);
      }
    }
  }
}
