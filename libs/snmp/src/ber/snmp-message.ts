import { BerReader, decodeInt32, decodeOid, decodeUnsigned64 } from './ber-reader';
import type { Varbind, VarbindType } from '../session/varbind';
import { malformed } from './snmp-wire-error';

/** PDU tags (RFC 3416 §3, RFC 1157 §4.1.6). */
export const PDU_TAG = {
  response: 0xa2,
  trapV1: 0xa4,
  inform: 0xa6,
  trapV2: 0xa7,
  report: 0xa8,
  getRequest: 0xa0,
} as const;

/** Varbind value types on the wire (RFC 3416 §2.5, RFC 2578 §7.1) and their names in events. */
export const VALUE_TYPES: Readonly<Record<number, VarbindType>> = {
  0x02: 'Integer',
  0x04: 'OctetString',
  0x05: 'Null',
  0x06: 'OID',
  0x40: 'IpAddress',
  0x41: 'Counter32',
  0x42: 'Gauge32',
  0x43: 'TimeTicks',
  0x44: 'Opaque',
  0x46: 'Counter64',
  0x80: 'NoSuchObject',
  0x81: 'NoSuchInstance',
  0x82: 'EndOfMibView',
};

export type { Varbind };

export interface Pdu {
  tag: number;
  requestId: number;
  varbinds: Varbind[];
  /** the whole variable-bindings TLV, echoed in an inform's Response */
  varbindsRaw: Buffer;
  /** v1 Trap-PDU fields (RFC 1157 §4.1.6) */
  v1?: { enterprise: string; agentAddr: string; genericTrap: number; specificTrap: number; timestamp: number };
}

/** The outer v1/v2c message (RFC 1157 / RFC 1901). */
export interface CommunityMessage {
  version: 0 | 1;
  community: Buffer;
  /** offset of the PDU tag in the datagram (an inform's Response reuses the bytes) */
  pduOffset: number;
  pdu: Pdu;
}

/** The parts of an SNMPv3 message (RFC 3412 §6, RFC 3414 §2.4) before security processing. */
export interface V3Message {
  version: 3;
  msgId: number;
  msgMaxSize: number;
  msgFlags: number;
  securityModel: number;
  engineId: Buffer;
  engineBoots: number;
  engineTime: number;
  userName: Buffer;
  authParams: Buffer;
  /** offset of msgAuthenticationParameters' value in the datagram (zeroed to verify the HMAC) */
  authParamsOffset: number;
  privParams: Buffer;
  /** plaintext ScopedPDU bytes, or the encrypted OCTET STRING's contents when msgFlags has priv */
  data: Buffer;
}

export const MAX_VARBINDS = 512;

/** Reads the version and dispatches; throws SnmpWireError('malformed') naming the failing field. */
export function decodeMessage(buf: Buffer): CommunityMessage | V3Message {
  const outer = new BerReader(buf).enter(0x30, 'message');
  const version = outer.readInteger('msgVersion');
  if (version === 0 || version === 1) {
    const community = outer.readOctets('community');
    const pduOffset = outer.pos;
    const pdu = decodePdu(outer, 'pdu');
    return { version, community, pduOffset, pdu };
  }
  if (version !== 3) throw malformed('bad-version', `unsupported SNMP version ${version}`);
  const header = outer.enter(0x30, 'msgGlobalData');
  const msgId = header.readInteger('msgID');
  const msgMaxSize = header.readInteger('msgMaxSize');
  const flags = header.readOctets('msgFlags');
  if (flags.length !== 1) throw malformed('bad-flags', 'msgFlags must be one octet');
  const securityModel = header.readInteger('msgSecurityModel');
  const spOctets = outer.readHeader(0x04, 'msgSecurityParameters');
  const sp = new BerReader(buf, spOctets.start, spOctets.end).enter(0x30, 'UsmSecurityParameters');
  const engineId = sp.readOctets('msgAuthoritativeEngineID');
  const engineBoots = sp.readInteger('msgAuthoritativeEngineBoots');
  const engineTime = sp.readInteger('msgAuthoritativeEngineTime');
  const userName = sp.readOctets('msgUserName');
  const ap = sp.readHeader(0x04, 'msgAuthenticationParameters');
  const privParams = sp.readOctets('msgPrivacyParameters');
  const msgFlags = flags[0] ?? 0;
  let data: Buffer;
  if (msgFlags & 0x02) data = outer.readOctets('encryptedPDU');
  else {
    const at = outer.pos;
    const h = outer.readHeader(0x30, 'ScopedPDU');
    data = buf.subarray(at, h.end);
  }
  return {
    version: 3,
    msgId,
    msgMaxSize,
    msgFlags,
    securityModel,
    engineId,
    engineBoots,
    engineTime,
    userName,
    authParams: buf.subarray(ap.start, ap.end),
    authParamsOffset: ap.start,
    privParams,
    data,
  };
}

export interface ScopedPdu {
  contextEngineId: Buffer;
  contextName: Buffer;
  pdu: Pdu;
}

/** ScopedPDU (RFC 3412 §6.1) from plaintext or decrypted bytes; DES/AES padding after it is ignored. */
export function decodeScopedPdu(bytes: Buffer): ScopedPdu {
  const r = new BerReader(bytes).enter(0x30, 'ScopedPDU');
  const contextEngineId = r.readOctets('contextEngineID');
  const contextName = r.readOctets('contextName');
  const pdu = decodePdu(r, 'pdu');
  return { contextEngineId, contextName, pdu };
}

export function decodePdu(r: BerReader, what: string): Pdu {
  const tag = r.peekTag();
  if (tag === PDU_TAG.trapV1) {
    const p = r.enter(tag, what);
    const enterprise = p.readOid('enterprise');
    const addr = p.readHeader(0x40, 'agent-addr');
    if (addr.end - addr.start !== 4) throw malformed('bad-agent-addr', 'agent-addr must be 4 octets');
    const agentAddr = [...r.buf.subarray(addr.start, addr.end)].join('.');
    const genericTrap = p.readInteger('generic-trap');
    const specificTrap = p.readInteger('specific-trap');
    const timestamp = p.readInteger('time-stamp', 0x43);
    const at = p.pos;
    const varbinds = decodeVarbinds(p);
    return { tag, requestId: 0, varbinds, varbindsRaw: p.buf.subarray(at, p.pos), v1: { enterprise, agentAddr, genericTrap, specificTrap, timestamp } };
  }
  if (tag !== PDU_TAG.trapV2 && tag !== PDU_TAG.inform && tag !== PDU_TAG.getRequest && tag !== PDU_TAG.response && tag !== PDU_TAG.report) {
    throw malformed('bad-pdu-type', `unexpected PDU type 0x${tag.toString(16)}`);
  }
  const p = r.enter(tag, what);
  const requestId = p.readInteger('request-id');
  p.readInteger('error-status');
  p.readInteger('error-index');
  const at = p.pos;
  const varbinds = decodeVarbinds(p);
  return { tag, requestId, varbinds, varbindsRaw: p.buf.subarray(at, p.pos) };
}

function decodeVarbinds(p: BerReader): Varbind[] {
  const list = p.enter(0x30, 'variable-bindings');
  const out: Varbind[] = [];
  while (!list.done) {
    if (out.length >= MAX_VARBINDS) throw malformed('too-many-varbinds', `more than ${MAX_VARBINDS} varbinds`);
    const vb = list.enter(0x30, `varbind ${out.length}`);
    const oid = vb.readOid(`varbind ${out.length} name`);
    const h = vb.readHeader(undefined, `varbind ${out.length} value`);
    const type = VALUE_TYPES[h.tag];
    if (type === undefined) throw malformed('bad-value-type', `varbind ${oid}: unknown value type 0x${h.tag.toString(16)}`);
    out.push({ oid, type, value: decodeValue(h.tag, p.buf, h.start, h.end, oid) });
  }
  return out;
}

function decodeValue(tag: number, buf: Buffer, start: number, end: number, oid: string): Varbind['value'] {
  switch (tag) {
    case 0x02:
      return decodeInt32(buf, start, end, oid);
    case 0x04:
    case 0x44:
      return buf.subarray(start, end);
    case 0x06:
      return decodeOid(buf, start, end, oid);
    case 0x40:
      if (end - start !== 4) throw malformed('bad-ip-address', `varbind ${oid}: IpAddress of ${end - start} octets`);
      return `${buf[start]}.${buf[start + 1]}.${buf[start + 2]}.${buf[start + 3]}`;
    case 0x41:
    case 0x42:
    case 0x43: {
      const v = Number(decodeUnsigned64(buf, start, end, oid));
      if (end - start > 5 || v > 0xffffffff) throw malformed('bad-integer', `varbind ${oid}: 32-bit value out of range`);
      return v;
    }
    case 0x46:
      return decodeUnsigned64(buf, start, end, oid);
    default:
      return null;
  }
}
