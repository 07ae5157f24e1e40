import { collectorContract } from '@sonde/collector/collector.contract';
import { pollEngineHarness } from '@sonde/snmp/poll/poll-engine.contract';
import { Registry } from 'prom-client';
import { SnmpPoller } from './snmp-poller';
import { snmpPollerConfigSchema } from './snmp-poller.config';
import { SnmpPollerMetrics } from './snmp-poller.metrics';

// Unit: one varbind (README "Counting": received = parsed + dropped{reason,stage}; events are
// counted apart, published or dropped{stage=publish}). The poller reads one configured group:
// a table with a counter column, so a good unit is a Counter32 and a bad one text in its place.
const COLUMN = '1.3.6.1.4.1.99999.1.1.2';

describe('snmp poller (poll engine): collector contract', () => {
  collectorContract(() => {
    const registry = new Registry();
    return pollEngineHarness(
      {
        prefix: 'sonde_snmp_poller_varbinds',
        unitOid: (n) => `${COLUMN}.${n}`,
        good: { type: 'Counter', value: 1234 },
        engine: ({ bus, openSession }) => {
          const config = snmpPollerConfigSchema.parse({
            groups: [{ name: 'contract', table: { index: ['row'], columns: [{ oid: COLUMN, name: 'contractPkts', type: 'counter', unit: '{packet}' }] } }],
            defaultGroups: ['contract'],
            maxVarbindsPerWalk: 100_000,
          });
          const metrics = new SnmpPollerMetrics(registry, {
            versions: () => ({ devices: 0, byVersion: {}, rows: [] }),
            pool: () => ({ open: 0, sockets: 0, inFlight: 0, queued: 0 }),
            targets: () => 0,
            owned: () => 0,
          });
          return new SnmpPoller({ config, bus, origin: { site: 'lab', collector: 'contract' }, metrics, openSession });
        },
      },
      registry,
    );
  });
});
