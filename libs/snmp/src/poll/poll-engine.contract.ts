import type { CollectorHarness } from '@sonde/collector/collector.contract';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { Registry } from 'prom-client';
import type { SnmpTarget } from '../session/snmp-credential';
import type { OpenNetSnmpSession } from '../session/snmp-session-pool';
import { StubNetSnmpAgent, stubAgents } from '../session/stub-net-snmp-agent';
import type { PollTarget } from './device-poller';
import type { PollEngine } from './poll-engine';

/** The seams a service's engine is built on in the contract (the rest is the service's own). */
export interface PollEngineSeams {
  bus: { publish(events: readonly SondeEvent[]): Promise<void> };
  openSession: OpenNetSnmpSession;
  registry: Registry;
}

export interface PollEngineHarnessOptions {
  /** `sonde_snmp_poller_varbinds` (the varbind counters: `<prefix>_received_total`…) */
  prefix: string;
  /** The service's engine (SnmpPoller, RmonCollector) with its real config, metrics and sampler. */
  engine(seams: PollEngineSeams): PollEngine;
  /** The OID of unit `n` of a source: an instance of a column the engine walks. */
  unitOid(n: number): string;
  /** The value of a good unit (a Counter32 for a counter column…) */
  good: { type: string; value: unknown };
}

const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';
/** An agent that never answers: every cycle times out; counted in errors, never as a unit. */
const SILENT = '10.0.0.99';

/**
 * The collector contract's harness for a service on the poll engine (unit: the varbind,
 * services/snmp-poller README "Counting"). Each source is a stub agent (the pool's openSession
 * seam, everything above the socket real); a unit is one varbind of a walked column: good = a
 * value of the column's type, bad = text where a number belongs (malformed/decode), flood = a
 * good one among hundreds from one agent (tables longer than one GETBULK page). `settle` runs
 * one cycle per agent, plus one of an agent that times out; the bus refuses every third
 * publish, which drops events but no varbind.
 */
export function pollEngineHarness(options: PollEngineHarnessOptions, registry: Registry): CollectorHarness {
  const agents = new Map<string, StubNetSnmpAgent>();
  const agentAt = (address: string): StubNetSnmpAgent => {
    let a = agents.get(address);
    if (!a) {
      agents.set(address, (a = new StubNetSnmpAgent()));
      a.set(SYS_UPTIME, 'TimeTicks', 4200).set(SYS_OBJECT_ID, 'OID', '1.3.6.1.4.1.8072.3.2.10');
    }
    return a;
  };
  agentAt(SILENT).answering = false;
  let publishes = 0;
  const bus = {
    publish: async () => {
      if (++publishes % 3 === 0) throw new Error('spool full');
    },
  };
  const engine = options.engine({ bus, openSession: stubAgents(agents), registry });
  let n = 0;
  let answered = 0;
  return {
    prefix: options.prefix,
    registry,
    accountedAs: 'parsed',
    ownReads: () => answered * 2,
    feed(kind, source) {
      const agent = agentAt(source);
      const oid = options.unitOid(++n);
      if (kind === 'bad') agent.set(oid, 'OctetString', Buffer.from('n/a'));
      else agent.set(oid, options.good.type, options.good.value);
    },
    async settle() {
      for (const [address, agent] of agents) {
        await engine.cycle(pollTarget(address));
        if (agent.answering) answered++;
      }
    },
    async close() {
      await engine.stop();
    },
  };
}

function pollTarget(address: string): PollTarget {
  const id = `dev-${address}`;
  const snmp: SnmpTarget = { device: id, address, port: 161, credential: { version: 'v2c', community: 'public' }, timeoutMs: 50, retries: 0, backoff: 1 };
  return { device: { id, address }, snmp, intervalMs: 60_000, maxRepetitions: 25 };
}
