/**
 * The part of the `net-snmp` package (3.29, no type declarations published) that the lab uses,
 * typed once here so no other file touches `any`. Fields marked "internal" are not in net-snmp's
 * README; lab-agent.ts explains why it relies on them and its tests pin their behaviour.
 */
import type { Socket, RemoteInfo } from 'node:dgram';

export interface NetSnmpVarbind {
  oid: string;
  type: number;
  value: unknown;
}

export interface NetSnmpRequestPdu {
  type: number;
  id: number;
  varbinds: NetSnmpVarbind[];
  nonRepeaters?: number;
  maxRepetitions?: number;
  getResponsePduForRequest(): NetSnmpResponsePdu;
}

export interface NetSnmpResponsePdu {
  varbinds: NetSnmpVarbind[];
  errorStatus?: number;
  errorIndex?: number;
}

export interface NetSnmpMessage {
  version: number;
  community?: string;
  user?: NetSnmpUser;
  pdu: NetSnmpRequestPdu;
  /** v3 only */
  msgSecurityParameters?: { msgAuthoritativeEngineBoots: number; msgAuthoritativeEngineTime: number; msgUserName: string };
  hasAuthentication(): number | boolean | undefined;
  /** internal: a Report answering this request (noAuthNoPriv, from `engine`), errorType from UsmErrorType ("2" = notInTimeWindow) */
  createReportResponseMessage(engine: NetSnmpAgent['engine'], context: string, errorType: string): NetSnmpOutgoingMessage;
}

/** internal: a message net-snmp is about to send. */
export interface NetSnmpOutgoingMessage {
  user: NetSnmpUser;
  msgSecurityParameters: { msgUserName: string };
  setAuthentication(flag: boolean): void;
  setReportable(flag: boolean): void;
  toBuffer(): Buffer;
}

export interface NetSnmpUser {
  name: string;
  level: number;
  authProtocol?: number;
  authKey?: string;
  privProtocol?: number;
  privKey?: string;
}

export type RequestHandler = (socket: Socket, message: NetSnmpMessage, rinfo: RemoteInfo) => void;

export interface NetSnmpAgent {
  getAuthorizer(): { addCommunity(c: string): void; addUser(u: NetSnmpUser): void };
  close(cb?: () => void): void;
  /** internal: decode + USM (discovery reports, auth, decryption), then dispatch by PDU type */
  onMsg(socket: Socket, buffer: Buffer, rinfo: RemoteInfo): void;
  /** internal: the per-PDU dispatch targets of onMsg */
  getRequest: RequestHandler;
  getNextRequest: RequestHandler;
  getBulkRequest: RequestHandler;
  setRequest: RequestHandler;
  /** internal: encode (and for v3 authenticate/encrypt) a response to a request and send it */
  sendResponse(socket: Socket, rinfo: RemoteInfo, message: NetSnmpMessage, pdu: NetSnmpResponsePdu): void;
  /** internal: the authoritative engine (RFC 3414 §2.2) used in discovery reports */
  engine: { engineID: Buffer; engineBoots: number; engineTime: number };
}

/** Minimal dgram module shape net-snmp's Listener accepts through the `dgramModule` option (3.23+). */
export interface DgramModuleLike {
  createSocket(type: string): {
    on(event: string, listener: (...args: unknown[]) => void): unknown;
    bind(port?: number, address?: string | null): unknown;
    close(cb?: () => void): unknown;
    address(): { address: string; family: string; port: number };
  };
}

export interface NetSnmpSession {
  trap(typeOrOid: number | string, varbinds: NetSnmpVarbind[], options: { agentAddr?: string; upTime?: number }, cb: (error: Error | null) => void): void;
  inform(typeOrOid: number | string, varbinds: NetSnmpVarbind[], options: { upTime?: number }, cb: (error: Error | null, varbinds?: NetSnmpVarbind[]) => void): void;
  get(oids: string[], cb: (error: Error | null, varbinds?: NetSnmpVarbind[]) => void): void;
  getNext(oids: string[], cb: (error: Error | null, varbinds?: NetSnmpVarbind[]) => void): void;
  getBulk(oids: string[], nonRepeaters: number, maxRepetitions: number, cb: (error: Error | null, varbinds?: NetSnmpVarbind[]) => void): void;
  set(varbinds: NetSnmpVarbind[], cb: (error: Error | null, varbinds?: NetSnmpVarbind[]) => void): void;
  close(): void;
  on(event: 'error' | 'close', listener: (error?: Error) => void): void;
}

export interface NetSnmpSessionOptions {
  port?: number;
  version?: number;
  retries?: number;
  timeout?: number;
  trapPort?: number;
  transport?: string;
  engineID?: string | Buffer;
  backoff?: number;
  sourceAddress?: string;
}

export interface NetSnmpModule {
  createAgent(options: Record<string, unknown>, callback: (error: Error | null, data?: unknown) => void): NetSnmpAgent;
  createSession(target: string, community: string, options: NetSnmpSessionOptions): NetSnmpSession;
  createV3Session(target: string, user: NetSnmpUser, options: NetSnmpSessionOptions): NetSnmpSession;
  isVarbindError(vb: NetSnmpVarbind): boolean;
  Version1: number;
  Version2c: number;
  Version3: number;
  ObjectType: Record<string, number>;
  PduType: Record<string, number>;
  ErrorStatus: Record<string, number>;
  TrapType: Record<string, number>;
  SecurityLevel: Record<'noAuthNoPriv' | 'authNoPriv' | 'authPriv', number>;
  AuthProtocols: Record<string, number>;
  PrivProtocols: Record<string, number>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const netSnmp = require('net-snmp') as NetSnmpModule;
