import type { RawVarbind, Session as NetSnmpSession } from 'net-snmp';
import { fromNetSnmpError } from './net-snmp-error';
import type { RequestLimiter } from './request-limiter';
import { securityLevelOf, type SecurityLevelName, type SnmpTarget, type SnmpVersionName } from './snmp-credential';
import { SnmpError, isSnmpError, type SnmpErrorContext } from './snmp-error';
import { toRawSetVarbind, toVarbind, type SetVarbind } from './net-snmp-varbind';
import type { Varbind } from './varbind';

export interface SnmpSessionStats {
  requests: number;
  timeouts: number;
  errors: number;
  /** v3: times the engine was rediscovered after not-in-time-window / unknown engine ID. */
  resyncs: number;
  /** Datagrams from the agent that did not decode. */
  malformed: number;
}

/**
 * One agent, one credential: promise-returning GET / GETNEXT / GETBULK over a net-snmp
 * session, every error a SnmpError naming the device and OID. Requests pass the limiter.
 *
 * SNMPv3 timeliness (RFC 3414 §3.2 step 7): after an agent reboot its engineBoots changes and
 * our cached boots/time are rejected. net-snmp resends once on the agent's notInTimeWindow
 * report; if that still fails (or the engine ID changed: replaced device, shared engine IDs)
 * we drop what we learned, rediscover and retry once more, counted in `stats.resyncs`.
 */
export class SnmpSession {
  readonly version: SnmpVersionName;
  readonly securityLevel: SecurityLevelName;
  readonly stats: SnmpSessionStats = { requests: 0, timeouts: 0, errors: 0, resyncs: 0, malformed: 0 };
  private inFlight = 0;
  private closed = false;
  lastUsed = Date.now();

  constructor(
    readonly target: SnmpTarget,
    /** The IP the session sends to (target.address resolved). */
    readonly ip: string,
    private readonly raw: NetSnmpSession,
    private readonly limiter: RequestLimiter,
  ) {
    this.version = target.credential.version;
    this.securityLevel = securityLevelOf(target.credential);
    // net-snmp emits 'error' for a datagram it cannot decode; an EventEmitter without a
    // listener would throw it out of the socket callback and crash the process.
    raw.on('error', (err: unknown) => {
      this.stats.malformed++;
      const cancel = (raw as unknown as { cancelRequests?: (e: Error) => void }).cancelRequests;
      cancel?.call(raw, new SnmpError('malformed-response', `undecodable datagram from device ${target.device} (${ip}:${target.port}): ${err instanceof Error ? err.message : String(err)}`, this.context()));
    });
  }

  get busy(): boolean {
    return this.inFlight > 0;
  }

  context(oid?: string, pdu?: string): SnmpErrorContext {
    return { device: this.target.device, address: `${this.ip}:${this.target.port}`, ...(oid ? { oid } : {}), ...(pdu ? { pdu } : {}) };
  }

  get(oids: string[]): Promise<Varbind[]> {
    return this.request('GET', oids[0], (cb) => this.raw.get(oids, cb)).then((vbs) => (vbs as RawVarbind[]).map(toVarbind));
  }

  getNext(oids: string[]): Promise<Varbind[]> {
    return this.request('GETNEXT', oids[0], (cb) => this.raw.getNext(oids, cb)).then((vbs) => (vbs as RawVarbind[]).map(toVarbind));
  }

  /** One list per requested OID (after the non-repeaters, which get one varbind each). */
  getBulk(oids: string[], nonRepeaters: number, maxRepetitions: number): Promise<Varbind[][]> {
    if (this.version === 'v1') {
      return Promise.reject(new SnmpError('agent-error', `GETBULK does not exist in SNMPv1 (device ${this.target.device})`, this.context(oids[0], 'GETBULK')));
    }
    return this.request('GETBULK', oids[0], (cb) => this.raw.getBulk(oids, nonRepeaters, maxRepetitions, cb)).then((cols) =>
      (cols as Array<RawVarbind | RawVarbind[]>).map((c) => (Array.isArray(c) ? c.map(toVarbind) : [toVarbind(c)])),
    );
  }

  /**
   * SET (RFC 3416 §4.2.5): all varbinds in one PDU, applied by the agent as a whole or not at
   * all. An agent's refusal (wrongValue, inconsistentValue, noCreation, …) is a SnmpError
   * `agent-error` (`no-such-name` in SNMPv1) naming the device, the failing OID and the
   * error-status. The v3 resync retry is safe here: a notInTimeWindow/unknownEngineID report
   * is sent instead of processing the PDU (RFC 3414 §3.2 step 7), so nothing was applied.
   */
  set(varbinds: readonly SetVarbind[]): Promise<Varbind[]> {
    const raw = varbinds.map(toRawSetVarbind);
    return this.request('SET', varbinds[0]?.oid, (cb) => this.raw.set(raw, cb)).then((vbs) => (vbs as RawVarbind[]).map(toVarbind));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.raw.close();
  }

  private async request(pdu: string, oid: string | undefined, call: (cb: (err: Error | null, vbs?: unknown[]) => void) => void): Promise<unknown[]> {
    if (this.closed) throw new SnmpError('closed', `session to device ${this.target.device} is closed`, this.context(oid, pdu));
    return this.limiter.run(this.target.device, async () => {
      this.inFlight++;
      this.lastUsed = Date.now();
      try {
        try {
          return await this.once(pdu, oid, call);
        } catch (err) {
          if (this.version === 'v3' && (isSnmpError(err, 'not-in-time-window') || isSnmpError(err, 'unknown-engine-id'))) {
            this.forgetEngine();
            this.stats.resyncs++;
            return await this.once(pdu, oid, call);
          }
          throw err;
        }
      } catch (err) {
        this.stats.errors++;
        if (isSnmpError(err, 'timeout') || isSnmpError(err, 'discovery-timeout')) this.stats.timeouts++;
        throw err;
      } finally {
        this.inFlight--;
        this.lastUsed = Date.now();
      }
    });
  }

  private once(pdu: string, oid: string | undefined, call: (cb: (err: Error | null, vbs?: unknown[]) => void) => void): Promise<unknown[]> {
    this.stats.requests++;
    return new Promise((resolve, reject) => {
      call((err, vbs) => {
        if (err) {
          // still no engine ID at the time of failure: discovery itself got no answer
          const discovering = this.version === 'v3' && !this.raw.msgSecurityParameters;
          const t = this.target;
          const tries = t.retries + 1;
          const detail = ` after ${tries} ${tries === 1 ? 'try' : 'tries'} (timeout ${t.timeoutMs} ms, backoff ×${t.backoff})` +
            (this.version === 'v3'
              ? discovering ? ' during engine-ID discovery: agent down or filtered' : ' after engine-ID discovery: snmpd drops requests it cannot decrypt (wrong privKey/privProtocol) or the agent is overloaded'
              : ': agent down, filtered, or community rejected');
          const e = fromNetSnmpError(err, this.context(oid, pdu), detail);
          reject(discovering && e.reason === 'timeout' ? new SnmpError('discovery-timeout', e.message, this.context(oid, pdu)) : e);
        } else resolve(vbs ?? []);
      });
    });
  }

  /** Drop the learned engine ID/boots/time so the next request rediscovers (RFC 3414 §4). */
  private forgetEngine(): void {
    this.raw.msgSecurityParameters = undefined;
    this.raw.engineTimeBoots = null;
    this.raw.engineTimeBase = null;
    this.raw.engineTimeReceivedAt = null;
    this.raw.latestReceivedEngineTime = null;
  }
}
