import { expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Registry } from 'prom-client';

/** One unit of input a harness can produce: a good one, a bad one, or part of a flood. */
export type UnitKind = 'good' | 'bad' | 'flood';

/** A collector under test, built fresh per run, with its real classes and metrics. */
export interface CollectorHarness {
  /** the collector's metric prefix (`sonde_trap`) */
  prefix: string;
  registry: Registry;
  /** Feeds one unit of the collector's unit (its README names it) from `source`. */
  feed(kind: UnitKind, source: string): void;
  /** Lets the publisher drain to the bus. */
  settle(): Promise<void>;
  close?(): Promise<void>;
  /**
   * The counter that takes the units received and not dropped: `published` (default, a unit is
   * one event) or `parsed` (the icmp-prober's packets and the snmp poll engine's varbinds, whose
   * events aggregate many units — their READMEs say received = parsed + dropped{stage…}).
   */
  accountedAs?: 'published' | 'parsed';
  /** Only these `stage` labels of `_dropped_total` count units of this unit (default: all). */
  dropStages?: readonly string[];
  /**
   * Units the collector reads by itself whatever the input, known to the harness (the poll
   * engine's sysUpTime.0 and sysObjectID.0 of every cycle that got an answer): `received`
   * must be the units fed plus these, and they are counted like any other unit.
   */
  ownReads?(): number;
}

async function total(registry: Registry, name: string, stages?: readonly string[]): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (!m) throw new Error(`metric ${name} is not registered`);
  const values = (await m.get()).values.filter((v) => !stages || stages.includes(String(v.labels['stage'])));
  for (const v of values) expect(Number.isInteger(v.value) && v.value >= 0).toBe(true);
  return values.reduce((n, v) => n + v.value, 0);
}

/**
 * The collector contract (libs/collector README): for any mix of good, bad and flooding input
 * from several sources, once the publisher drained, received = published + dropped — every unit
 * counted once, none forgotten (a discovery, a retry), none twice — and only good units become
 * events. Each collector runs it from a `*.contract.spec.ts` beside its code.
 */
export function collectorContract(make: () => Promise<CollectorHarness> | CollectorHarness, runs = 30): void {
  const unit = fc.record({ kind: fc.constantFrom<UnitKind>('good', 'bad', 'flood'), source: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.66') });
  const input = fc.array(fc.oneof(unit.map((u) => [u]), unit.map((u) => Array.from({ length: 200 }, () => ({ kind: 'flood' as const, source: u.source })))), { minLength: 1, maxLength: 20 });

  it('received = published + dropped for any mix of good, bad and flooding input', async () => {
    await fc.assert(
      fc.asyncProperty(input, async (groups) => {
        const h = await make();
        try {
          const units = groups.flat();
          for (const u of units) h.feed(u.kind, u.source);
          await h.settle();
          const received = await total(h.registry, `${h.prefix}_received_total`);
          const published = await total(h.registry, `${h.prefix}_${h.accountedAs ?? 'published'}_total`);
          const dropped = await total(h.registry, `${h.prefix}_dropped_total`, h.dropStages);
          const own = h.ownReads?.() ?? 0;
          expect(received).toBe(units.length + own);
          expect(published + dropped).toBe(received);
          const good = units.filter((u) => u.kind !== 'bad').length + own;
          expect(published).toBeLessThanOrEqual(good);
        } finally {
          await h.close?.();
        }
      }),
      { numRuns: runs },
    );
  });
}
