import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { counter64Bytes } from './lab-counters';
import type { LabDevice } from './lab-device';
import { LabError } from './lab-error';
import { labFaultsSchema, type LabFaultsInput } from './lab-faults';
import { LabMib } from './lab-mib';
import {
  netSnmp,
  type DgramModuleLike,
  type NetSnmpAgent,
  type NetSnmpMessage,
  type NetSnmpResponsePdu,
  type NetSnmpVarbind,
} from './net-snmp-api';
import { toNetSnmpUser } from './net-snmp-user';
import { DEFAULT_LIMITS, respond, type PduKind, type ResponderLimits, type ResponseVarbind, type SnmpVersionName } from './snmp-responder';
import type { UsmUser } from './usm-user';

/**
 * The SNMP agent of one simulated device, on its own UDP socket.
 *
 * net-snmp's Agent does the protocol work we want to be real: BER decoding, community checks,
 * SNMPv3 discovery reports, USM authentication and decryption, and encoding/encrypting the
 * response. We replace two parts of it, and say why:
 *
 * 1. MIB dispatch (its `getRequest`/`getNextRequest`/`getBulkRequest`/`setRequest` targets) goes
 *    to snmp-responder.ts. net-snmp's Mib stores one tree node per instance and its GETBULK caps
 *    the whole response at max-repetitions varbinds instead of N + M × R (RFC 3416 §4.2.3); it
 *    answers SNMPv1 managers with SNMPv2 exceptions instead of noSuchName (RFC 3584 §4.2.2.1), and
 *    has no way to fake noSuchObject, an early endOfMibView or tooBig. The responder computes
 *    values lazily from one shared layout, so 1 000 devices × 48 interfaces stay cheap.
 * 2. The socket: net-snmp's Listener turns port 0 into 161 (`port || 161`) and gives no hook to
 *    delay, drop or garble an answer. We own the socket (bound to port 0 = kernel's choice), hand
 *    net-snmp an inert one through its `dgramModule` option, and feed datagrams to `agent.onMsg`
 *    after the fault gate (timeout, slow, garbage).
 */

export interface LabAgentOptions {
  device: LabDevice;
  /** Shared between agents: layouts are cached per device shape. */
  mib?: LabMib;
  address?: string;
  /** 0 (default) = a free port chosen by the kernel. */
  port?: number;
  community: string;
  users?: readonly UsmUser[];
  /** Milliseconds since the epoch; inject a fixed clock to make every value predictable. */
  clock?: () => number;
  limits?: ResponderLimits;
  /**
   * RFC 3414 §3.2 step 7: answer an authenticated v3 request whose engine boots/time are off
   * (a manager that missed a reboot) with an authenticated usmStatsNotInTimeWindows report, as
   * real agents do. Default true; false makes every v3 request timely (net-snmp's own behaviour).
   */
  usmTimeliness?: boolean;
}

/** RFC 3414 §2.2.3: the time window is 150 seconds. */
const TIME_WINDOW_SECONDS = 150;
/** net-snmp's UsmErrorType for usmStatsNotInTimeWindows. */
const NOT_IN_TIME_WINDOW = '2';

export interface LabAgentStats {
  /** Datagrams received. */
  received: number;
  /** Responses sent (including v3 reports). */
  answered: number;
  /** Requests dropped by the timeout fault. */
  dropped: number;
  /** Garbage replies sent by the garbage fault. */
  garbage: number;
  /** Requests net-snmp rejected: unknown community/user, bad digest, undecodable. */
  rejected: number;
  /** v3 requests answered with a notInTimeWindow report. */
  notInTimeWindow: number;
  /** Requests that failed while being answered (an encoding error); the agent keeps serving. */
  errors: number;
  lastError?: string;
}

/** One answered request as the wire saw it (LabAgent.recordRequests): what was asked, what went back. */
export interface LabRequest {
  pdu: PduKind;
  oids: string[];
  maxRepetitions: number;
  /** OIDs of the varbinds answered (end-of-MIB and exceptions included). */
  answered: string[];
}

const PDU_KIND: Readonly<Record<number, PduKind>> = {
  [netSnmp.PduType.GetRequest as number]: 'get',
  [netSnmp.PduType.GetNextRequest as number]: 'getNext',
  [netSnmp.PduType.GetBulkRequest as number]: 'getBulk',
  [netSnmp.PduType.SetRequest as number]: 'set',
};

const OBJECT_TYPE: Readonly<Record<ResponseVarbind['type'], number>> = {
  Integer: 2,
  OctetString: 4,
  Null: 5,
  OID: 6,
  IpAddress: 64,
  Counter32: 65,
  Gauge32: 66,
  TimeTicks: 67,
  Counter64: 70,
  noSuchObject: 128,
  noSuchInstance: 129,
  endOfMibView: 130,
};

/** snmpEngineID (RFC 3411 §5): enterprise 47491 (net-snmp's), format 4 = text, the device id. */
export function labEngineId(deviceId: string): string {
  const text = Buffer.from(`sonde:${deviceId}`, 'utf8').subarray(0, 27);
  return Buffer.concat([Buffer.from('8000b98304', 'hex'), text]).toString('hex');
}

function toNetSnmpVarbind(vb: ResponseVarbind): NetSnmpVarbind {
  return { oid: vb.oid, type: OBJECT_TYPE[vb.type], value: vb.type === 'Counter64' ? counter64Bytes(vb.value) : vb.value };
}

const VERSION_NAME: Readonly<Record<number, SnmpVersionName>> = { 0: 'v1', 1: 'v2c', 3: 'v3' };

/** A socket net-snmp's Listener can "bind" and "close" without touching the network. */
function inertDgramModule(address: string, port: number): DgramModuleLike {
  return {
    createSocket: () => ({
      on: () => undefined,
      bind: () => undefined,
      close: (cb?: () => void) => cb?.(),
      address: () => ({ address, family: isIPv6(address) ? 'IPv6' : 'IPv4', port }),
    }),
  };
}

export class LabAgent {
  readonly stats: LabAgentStats = { received: 0, answered: 0, dropped: 0, garbage: 0, rejected: 0, notInTimeWindow: 0, errors: 0 };
  readonly engineId: string;
  private readonly agent: NetSnmpAgent;
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly mib: LabMib;
  private readonly clock: () => number;
  private readonly limits: ResponderLimits;
  private readonly usmTimeliness: boolean;
  private closed = false;
  private log: LabRequest[] | undefined;

  private constructor(
    readonly device: LabDevice,
    private readonly socket: Socket,
    readonly address: string,
    readonly port: number,
    options: LabAgentOptions,
  ) {
    this.mib = options.mib ?? new LabMib();
    this.clock = options.clock ?? Date.now;
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.usmTimeliness = options.usmTimeliness ?? true;
    this.engineId = labEngineId(device.spec.id);
    this.agent = netSnmp.createAgent(
      { port, address, dgramModule: inertDgramModule(address, port), engineID: this.engineId, transport: isIPv6(address) ? 'udp6' : 'udp4' },
      (error) => {
        if (error) this.stats.rejected++;
      },
    );
    const authorizer = this.agent.getAuthorizer();
    authorizer.addCommunity(options.community);
    for (const user of options.users ?? []) authorizer.addUser(toNetSnmpUser(user));
    const answer = (s: Socket, message: NetSnmpMessage, rinfo: RemoteInfo): void => this.answer(s, message, rinfo);
    this.agent.getRequest = answer;
    this.agent.getNextRequest = answer;
    this.agent.getBulkRequest = answer;
    this.agent.setRequest = answer;
    socket.on('message', (buffer, rinfo) => this.onDatagram(buffer, rinfo));
  }

  /** Binds the device's socket (port 0 → kernel-chosen) and starts answering. */
  static async start(options: LabAgentOptions): Promise<LabAgent> {
    const address = options.address ?? '127.0.0.1';
    const socket = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        socket.close();
        reject(
          new LabError('unavailable', `lab device ${options.device.spec.id}: cannot bind UDP ${address}:${options.port ?? 0}: ${err.message}`, {
            device: options.device.spec.id,
            address,
          }, { cause: err }),
        );
      };
      socket.once('error', onError);
      socket.bind(options.port ?? 0, address, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    // a send error (e.g. the manager's port is gone) must not kill the lab
    socket.on('error', () => undefined);
    return new LabAgent(options.device, socket, address, socket.address().port, options);
  }

  /** Switch this device's faults (replaces the previous set; `{}` = behave). */
  setFaults(faults: LabFaultsInput): void {
    this.device.setFaults(labFaultsSchema.parse(faults));
  }

  /** Reboot the device now: sysUpTime, hrSystemUptime and every counter restart; snmpEngineBoots + 1. */
  restart(): void {
    this.device.restart(this.clock());
  }

  /**
   * Starts (or restarts) recording every answered request, so a test can see on the wire what a
   * manager asked for (how many GETBULKs, from which OIDs, how many varbinds came back).
   */
  recordRequests(): LabRequest[] {
    this.log = [];
    return this.log;
  }

  stopRecording(): void {
    this.log = undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    this.agent.close();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private onDatagram(buffer: Buffer, rinfo: RemoteInfo): void {
    this.stats.received++;
    const faults = this.device.faults;
    if (faults.timeout) {
      this.stats.dropped++;
      return;
    }
    if (faults.slowMs > 0) {
      const t = setTimeout(() => {
        this.pending.delete(t);
        if (!this.closed) this.process(buffer, rinfo);
      }, faults.slowMs);
      this.pending.add(t);
      return;
    }
    this.process(buffer, rinfo);
  }

  private process(buffer: Buffer, rinfo: RemoteInfo): void {
    if (this.device.faults.garbage) {
      const junk = randomBytes(16 + (buffer.length % 64));
      // never a BER SEQUENCE, so no decoder mistakes it for a message
      if (junk[0] === 0x30) junk[0] = 0xff;
      this.stats.garbage++;
      this.socket.send(junk, rinfo.port, rinfo.address);
      return;
    }
    const now = this.clock();
    // discovery reports carry the engine's boots/time (RFC 3414 §4): keep them live
    this.agent.engine.engineBoots = this.device.engineBoots(now);
    this.agent.engine.engineTime = this.device.engineTime(now);
    const before = this.stats.rejected;
    try {
      this.agent.onMsg(this.socket, buffer, rinfo);
    } catch (err) {
      // one bad request must not take the device (or the process) down: count it, keep serving
      this.stats.errors++;
      this.stats.lastError = `lab device ${this.device.spec.id}: ${(err as Error).message}`;
      return;
    }
    // onMsg answered unless it rejected the datagram (discovery/report replies count as answered)
    if (this.stats.rejected === before) this.stats.answered++;
  }

  private answer(socket: Socket, message: NetSnmpMessage, rinfo: RemoteInfo): void {
    const pdu = PDU_KIND[message.pdu.type];
    const version = VERSION_NAME[message.version];
    if (!pdu || !version) return;
    const now = this.clock();
    const security = message.msgSecurityParameters;
    if (version === 'v3' && security && message.hasAuthentication()) {
      const boots = this.device.engineBoots(now);
      const time = this.device.engineTime(now);
      if (
        this.usmTimeliness &&
        (security.msgAuthoritativeEngineBoots !== boots || Math.abs(security.msgAuthoritativeEngineTime - time) > TIME_WINDOW_SECONDS)
      ) {
        this.reportNotInTimeWindow(socket, message, rinfo);
        return;
      }
      // a real agent puts its own snmpEngineBoots/Time in its responses; net-snmp echoes the request's
      security.msgAuthoritativeEngineBoots = boots;
      security.msgAuthoritativeEngineTime = time;
    }
    const result = respond(
      this.mib,
      this.device,
      {
        pdu,
        version,
        oids: message.pdu.varbinds.map((vb) => vb.oid),
        nonRepeaters: message.pdu.nonRepeaters ?? 0,
        maxRepetitions: message.pdu.maxRepetitions ?? 0,
      },
      now,
      this.limits,
    );
    this.log?.push({
      pdu,
      oids: message.pdu.varbinds.map((vb) => vb.oid),
      maxRepetitions: message.pdu.maxRepetitions ?? 0,
      answered: result.varbinds.map((vb) => vb.oid),
    });
    const response: NetSnmpResponsePdu = message.pdu.getResponsePduForRequest();
    response.varbinds = result.varbinds.map(toNetSnmpVarbind);
    response.errorStatus = result.errorStatus;
    response.errorIndex = result.errorIndex;
    this.agent.sendResponse(socket, rinfo, message, response);
  }

  /**
   * RFC 3414 §3.2 step 7a: the report carries our boots/time and is sent authNoPriv with the
   * requester's user, so the manager can trust it and resynchronise. net-snmp builds reports
   * noAuthNoPriv only; we raise this one to authNoPriv before it is encoded.
   */
  private reportNotInTimeWindow(socket: Socket, message: NetSnmpMessage, rinfo: RemoteInfo): void {
    this.stats.notInTimeWindow++;
    const report = message.createReportResponseMessage(this.agent.engine, '', NOT_IN_TIME_WINDOW);
    const user = message.user;
    if (user) {
      report.user = { name: user.name, level: netSnmp.SecurityLevel.authNoPriv, authProtocol: user.authProtocol, authKey: user.authKey };
      report.msgSecurityParameters.msgUserName = user.name;
      report.setAuthentication(true);
    }
    report.setReportable(false);
    socket.send(report.toBuffer(), rinfo.port, rinfo.address);
  }
}
