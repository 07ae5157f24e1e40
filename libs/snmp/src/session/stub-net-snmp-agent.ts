import { EventEmitter } from 'node:events';
import snmp, { type RawVarbind, type Session as NetSnmpSession } from 'net-snmp';
import type { OpenNetSnmpSession } from './snmp-session-pool';
import { compareOids } from './varbind';

/**
 * An agent's MIB in memory behind net-snmp's session calls (GET, GETNEXT, GETBULK): what the
 * pool's `openSession` seam returns in unit specs, so SnmpSession, the walk, the group reader
 * and the engine above it all run for real without a socket. `answering: false` makes every
 * request fail as net-snmp does after its retries (RequestTimedOutError → SnmpError timeout).
 */
export class StubNetSnmpAgent {
  private sorted: RawVarbind[] | undefined;
  private readonly values = new Map<string, RawVarbind>();
  answering = true;
  /** Requests answered before the agent goes silent (a device that stops mid-walk). */
  silentAfter = Infinity;
  requests = 0;

  set(oid: string, type: string, value: unknown): this {
    const code = snmp.ObjectType[type];
    if (code === undefined) throw new Error(`no net-snmp ObjectType ${type}`);
    this.values.set(oid, { oid, type: code, value });
    this.sorted = undefined;
    return this;
  }

  clear(): void {
    this.values.clear();
    this.sorted = undefined;
  }

  /** A net-snmp session answering from this MIB. */
  session(): NetSnmpSession {
    const answer = <T>(cb: (err: Error | null, vbs?: T) => void, reply: () => T) => {
      const answers = this.answering && ++this.requests <= this.silentAfter;
      setImmediate(() => (answers ? cb(null, reply()) : cb(new snmp.RequestTimedOutError('Request timed out'))));
    };
    const raw = Object.assign(new EventEmitter(), {
      engineTimeBoots: null,
      engineTimeBase: null,
      engineTimeReceivedAt: null,
      latestReceivedEngineTime: null,
      get: (oids: string[], cb: snmp.ResponseCb) => {
        answer(cb, () => oids.map((oid) => this.values.get(oid) ?? { oid, type: snmp.ObjectType['NoSuchInstance'] as number, value: null }));
        return raw;
      },
      getNext: (oids: string[], cb: snmp.ResponseCb) => {
        answer(cb, () => oids.map((oid) => this.next(oid)));
        return raw;
      },
      getBulk: (oids: string[], nonRepeaters: number, maxRepetitions: number, cb: snmp.BulkResponseCb) => {
        answer(cb, () =>
          oids.map((oid, i) => {
            if (i < nonRepeaters) return this.next(oid);
            const column: RawVarbind[] = [];
            for (let cur = oid, n = 0; n < maxRepetitions; n++) {
              const vb = this.next(cur);
              column.push(vb);
              if (vb.type === snmp.ObjectType['EndOfMibView']) break;
              cur = vb.oid;
            }
            return column;
          }),
        );
        return raw;
      },
      set: (_vbs: RawVarbind[], cb: snmp.ResponseCb) => {
        setImmediate(() => cb(new Error('the stub agent is read-only')));
        return raw;
      },
      close: () => raw,
    });
    return raw as unknown as NetSnmpSession;
  }

  private next(oid: string): RawVarbind {
    this.sorted ??= [...this.values.values()].sort((a, b) => compareOids(a.oid, b.oid));
    // binary search for the first OID after `oid`
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareOids((this.sorted[mid] as RawVarbind).oid, oid) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return this.sorted[lo] ?? { oid, type: snmp.ObjectType['EndOfMibView'] as number, value: null };
  }
}

/** The pool seam for a set of stub agents, by the target address. */
export function stubAgents(agents: ReadonlyMap<string, StubNetSnmpAgent>): OpenNetSnmpSession {
  return (target) => {
    const agent = agents.get(target.address);
    if (!agent) throw new Error(`no stub agent at ${target.address}`);
    return agent.session();
  };
}
