// Minimal typings for the parts of npm `net-snmp` 3.x that libs/snmp/src/session uses.
// Kept private to this folder: nothing outside session/ sees net-snmp types.
declare module 'net-snmp' {
  import type { EventEmitter } from 'node:events';

  export interface RawVarbind {
    oid: string;
    type: number;
    value: unknown;
  }

  export interface DgramLike {
    createSocket(type: string): unknown;
  }

  export interface SessionOptions {
    port?: number;
    retries?: number;
    timeout?: number;
    backoff?: number;
    transport?: 'udp4' | 'udp6';
    version?: number;
    idBitsSize?: 16 | 32;
    context?: string;
    backwardsGetNexts?: boolean;
    reportOidMismatchErrors?: boolean;
    dgramModule?: DgramLike;
    engineID?: string;
  }

  export interface UsmUser {
    name: string;
    level: number;
    authProtocol?: number;
    authKey?: string;
    privProtocol?: number;
    privKey?: string;
  }

  export type ResponseCb = (error: Error | null, varbinds?: RawVarbind[]) => void;
  export type BulkResponseCb = (error: Error | null, varbinds?: Array<RawVarbind | RawVarbind[]>) => void;

  export interface Session extends EventEmitter {
    get(oids: string[], cb: ResponseCb): Session;
    getNext(oids: string[], cb: ResponseCb): Session;
    getBulk(oids: string[], nonRepeaters: number, maxRepetitions: number, cb: BulkResponseCb): Session;
    set(varbinds: RawVarbind[], cb: ResponseCb): Session;
    close(): Session;
    /** Set after engine discovery (RFC 3414 §4); cleared by us to force rediscovery. */
    msgSecurityParameters?: unknown;
    engineTimeBoots: number | null;
    engineTimeBase: number | null;
    engineTimeReceivedAt: number | null;
    latestReceivedEngineTime: number | null;
  }

  export function createSession(target: string, community: string, options?: SessionOptions): Session;
  export function createV3Session(target: string, user: UsmUser, options?: SessionOptions): Session;
  export function isVarbindError(varbind: RawVarbind): boolean;

  export const Version1: number;
  export const Version2c: number;
  export const Version3: number;
  export const ObjectType: Record<string, number> & Record<number, string>;
  export const ErrorStatus: Record<string, number> & Record<number, string>;
  export const SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
  export const AuthProtocols: {
    none: number; md5: number; sha: number; sha224: number; sha256: number; sha384: number; sha512: number;
  };
  export const PrivProtocols: { none: number; des: number; aes: number; aes256b: number; aes256r: number };
  export const ResponseInvalidCode: Record<string, number> & Record<number, string>;

  export class ResponseInvalidError extends Error {
    code: number;
  }
  export class RequestFailedError extends Error {
    status: number;
  }
  export class RequestTimedOutError extends Error {}
  export class RequestInvalidError extends Error {}
}
