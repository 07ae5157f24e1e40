import { collectorContract } from '@sonde/collector/collector.contract';
import { pollEngineHarness } from '@sonde/snmp/poll/poll-engine.contract';
import { Registry } from 'prom-client';
import { RmonCollector } from './rmon-collector';
import { rmonCollectorConfigSchema } from './rmon-collector.config';
import { RmonCollectorMetrics } from './rmon-collector.metrics';

// Unit: one varbind (README "Counting"), through the RMON sampler: a unit is one etherStatsPkts
// instance (RFC 2819 §5, a Counter32); a bad one is text in that counter column.
const ETHER_STATS_PKTS = '1.3.6.1.2.1.16.1.1.1.5';

describe('rmon collector (poll engine): collector contract', () => {
  collectorContract(() => {
    const registry = new Registry();
    return pollEngineHarness(
      {
        prefix: 'sonde_rmon_collector_varbinds',
        unitOid: (n) => `${ETHER_STATS_PKTS}.${n}`,
        good: { type: 'Counter', value: 77 },
        engine: ({ bus, openSession }) => {
          const config = rmonCollectorConfigSchema.parse({ groups: ['statistics'], maxVarbindsPerWalk: 100_000 });
          const metrics = new RmonCollectorMetrics(registry, { probes: () => [], targets: () => 0, owned: () => 0 });
          return new RmonCollector({ config, bus, origin: { site: 'lab', collector: 'contract' }, metrics, openSession });
        },
      },
      registry,
    );
  });
});
