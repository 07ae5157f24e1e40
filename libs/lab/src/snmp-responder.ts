import type { LabDevice } from './lab-device';
import type { LabMib, MibInstance } from './lab-mib';
import type { MibException, MibValue } from './mib-object';
import { compareOids, oidStartsWith, parseOid, type Oid } from './oid-order';

/**
 * The command responder of a lab device (RFC 3416 §4.2), as a pure function of the request,
 * the device (with its faults) and the clock: unit-testable without sockets. lab-agent.ts only
 * decodes/encodes around it.
 */

export type PduKind = 'get' | 'getNext' | 'getBulk' | 'set';
export type SnmpVersionName = 'v1' | 'v2c' | 'v3';

export interface SnmpRequest {
  pdu: PduKind;
  version: SnmpVersionName;
  oids: readonly string[];
  nonRepeaters?: number;
  maxRepetitions?: number;
}

export type ResponseVarbind = { oid: string } & (MibValue | { type: MibException | 'Null'; value: null });

export interface SnmpResponse {
  errorStatus: number;
  /** 1-based position of the varbind in error, 0 when none (RFC 3416 §3). */
  errorIndex: number;
  varbinds: ResponseVarbind[];
}

/** error-status values (RFC 3416 §3, RFC 1157 §4.1.1). */
export const ERROR_STATUS = { noError: 0, tooBig: 1, noSuchName: 2, genErr: 5, notWritable: 17 } as const;

export interface ResponderLimits {
  /**
   * Varbinds per response. A GETBULK response is cut here, as RFC 3416 §4.2.3 allows, so it
   * stays well inside one UDP datagram (worst case ~60 bytes per lab varbind).
   */
  maxVarbinds: number;
}

export const DEFAULT_LIMITS: ResponderLimits = { maxVarbinds: 800 };

interface Faulted {
  hidden: Oid[];
  viewEnd: Oid | undefined;
}

const faultCache = new WeakMap<object, Faulted>();
function faultsOf(device: LabDevice): Faulted {
  const faults = device.faults;
  let f = faultCache.get(faults);
  if (!f) {
    f = {
      hidden: faults.noSuchObject.map(parseOid),
      viewEnd: faults.endOfMibViewAfter === undefined ? undefined : parseOid(faults.endOfMibViewAfter),
    };
    faultCache.set(faults, f);
  }
  return f;
}

function safeOid(text: string): Oid | undefined {
  try {
    return parseOid(text);
  } catch {
    return undefined;
  }
}

const exception = (oid: string, type: MibException | 'Null'): ResponseVarbind => ({ oid, type, value: null });

export function respond(
  mib: LabMib,
  device: LabDevice,
  request: SnmpRequest,
  nowMs: number,
  limits: ResponderLimits = DEFAULT_LIMITS,
): SnmpResponse {
  switch (request.pdu) {
    case 'get':
      return get(mib, device, request, nowMs);
    case 'getNext':
      return getNext(mib, device, request, nowMs);
    case 'getBulk':
      return getBulk(mib, device, request, nowMs, limits);
    case 'set':
      // The lab is read-only: RFC 3416 §4.2.5 notWritable (translated to noSuchName for v1 by RFC 2089 §2.1)
      return {
        errorStatus: request.version === 'v1' ? ERROR_STATUS.noSuchName : ERROR_STATUS.notWritable,
        errorIndex: request.oids.length ? 1 : 0,
        varbinds: request.oids.map((oid) => exception(oid, 'Null')),
      };
  }
}

function get(mib: LabMib, device: LabDevice, request: SnmpRequest, nowMs: number): SnmpResponse {
  const { hidden, viewEnd } = faultsOf(device);
  const varbinds: ResponseVarbind[] = [];
  for (let i = 0; i < request.oids.length; i++) {
    const text = request.oids[i] as string;
    const oid = safeOid(text);
    let vb: ResponseVarbind;
    if (!oid || hidden.some((p) => oidStartsWith(oid, p)) || (viewEnd && isPast(oid, viewEnd))) {
      vb = exception(text, 'noSuchObject');
    } else {
      const value = mib.get(device, oid, nowMs);
      vb = value ? { oid: text, ...value } : exception(text, mib.implementsObject(oid) ? 'noSuchInstance' : 'noSuchObject');
    }
    // RFC 3584 §4.2.2.1: a v1 manager gets noSuchName for a missing object and for a Counter64
    if (request.version === 'v1' && (vb.value === null || vb.type === 'Counter64')) return v1NoSuchName(request, i);
    varbinds.push(vb);
  }
  return { errorStatus: ERROR_STATUS.noError, errorIndex: 0, varbinds };
}

function getNext(mib: LabMib, device: LabDevice, request: SnmpRequest, nowMs: number): SnmpResponse {
  const varbinds: ResponseVarbind[] = [];
  for (let i = 0; i < request.oids.length; i++) {
    const text = request.oids[i] as string;
    const next = nextVisible(mib, device, safeOid(text) ?? [], request.version, nowMs);
    if (!next) {
      if (request.version === 'v1') return v1NoSuchName(request, i);
      varbinds.push(exception(text, 'endOfMibView'));
    } else {
      varbinds.push({ oid: next.text, ...next.value });
    }
  }
  return { errorStatus: ERROR_STATUS.noError, errorIndex: 0, varbinds };
}

/** RFC 3416 §4.2.3: N non-repeaters, then up to M repetitions of the R repeaters. */
function getBulk(mib: LabMib, device: LabDevice, request: SnmpRequest, nowMs: number, limits: ResponderLimits): SnmpResponse {
  if (request.version === 'v1') {
    // GetBulk does not exist in SNMPv1 (RFC 3584 §4.1.1); answer genErr rather than guess
    return { errorStatus: ERROR_STATUS.genErr, errorIndex: 0, varbinds: [] };
  }
  const L = request.oids.length;
  const N = Math.min(Math.max(request.nonRepeaters ?? 0, 0), L);
  const M = Math.max(request.maxRepetitions ?? 0, 0);
  const R = L - N;
  const tooBigAbove = device.faults.tooBigAbove;
  if (tooBigAbove !== undefined && N + M * R > tooBigAbove) {
    // RFC 3416 §4.2.1: tooBig carries error-index 0 and an empty variable-bindings field
    return { errorStatus: ERROR_STATUS.tooBig, errorIndex: 0, varbinds: [] };
  }
  const varbinds: ResponseVarbind[] = [];
  for (let i = 0; i < N; i++) {
    const text = request.oids[i] as string;
    const next = nextVisible(mib, device, safeOid(text) ?? [], request.version, nowMs);
    varbinds.push(next ? { oid: next.text, ...next.value } : exception(text, 'endOfMibView'));
  }
  const cursor: { oid: Oid; text: string; ended: boolean }[] = [];
  for (let j = N; j < L; j++) {
    const text = request.oids[j] as string;
    cursor.push({ oid: safeOid(text) ?? [], text, ended: false });
  }
  for (let r = 0; r < M && R > 0; r++) {
    let live = 0;
    for (const c of cursor) {
      if (varbinds.length >= limits.maxVarbinds) return { errorStatus: ERROR_STATUS.noError, errorIndex: 0, varbinds };
      const next = c.ended ? undefined : nextVisible(mib, device, c.oid, request.version, nowMs);
      if (!next) {
        c.ended = true;
        varbinds.push(exception(c.text, 'endOfMibView'));
      } else {
        live++;
        c.oid = next.oid;
        c.text = next.text;
        varbinds.push({ oid: next.text, ...next.value });
      }
    }
    // every repeater is at the end of the view: further repetitions would only repeat endOfMibView
    if (live === 0) break;
  }
  return { errorStatus: ERROR_STATUS.noError, errorIndex: 0, varbinds };
}

/** The next instance the device's (possibly faulted) view shows, undefined at its end. */
function nextVisible(mib: LabMib, device: LabDevice, from: Oid, version: SnmpVersionName, nowMs: number): MibInstance | undefined {
  const { hidden, viewEnd } = faultsOf(device);
  let inst = mib.next(device, from, nowMs);
  while (inst) {
    const oid = inst.oid;
    if (viewEnd && isPast(oid, viewEnd)) return undefined;
    const prefix = hidden.find((p) => oidStartsWith(oid, p));
    if (prefix) {
      inst = mib.nextAfterSubtree(device, prefix, nowMs);
      continue;
    }
    // RFC 3584 §4.2.2.1: GETNEXT from a v1 manager steps over Counter64 instances
    if (version === 'v1' && inst.value.type === 'Counter64') {
      inst = mib.next(device, oid, nowMs);
      continue;
    }
    return inst;
  }
  return undefined;
}

/** True when `oid` sorts after the whole subtree `end`. */
function isPast(oid: Oid, end: Oid): boolean {
  return compareOids(oid, end) > 0 && !oidStartsWith(oid, end);
}

/** RFC 3584 §4.4: the v1 response names the first failing varbind and echoes the request. */
function v1NoSuchName(request: SnmpRequest, i: number): SnmpResponse {
  return {
    errorStatus: ERROR_STATUS.noSuchName,
    errorIndex: i + 1,
    varbinds: request.oids.map((oid) => exception(oid, 'Null')),
  };
}
