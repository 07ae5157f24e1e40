import type { Clock } from '@sonde/telemetry/clock';
import { berInt, berOctets, berOid, berSeq, tlv } from '../ber/ber-writer';
import { EngineTimeTracker, LocalEngine } from './engine-time';
import { decodeScopedPdu, PDU_TAG, type ScopedPdu, type V3Message } from '../ber/snmp-message';
import { SnmpWireError } from '../ber/snmp-wire-error';
import { AUTH_PROTOCOLS, type AuthProtocol, type PrivProtocol } from '@sonde/inventory/credentials/usm-protocols';
import {
  computeMac,
  decryptScopedPdu,
  encryptScopedPdu,
  localizeKey,
  passwordToKey,
  privKey,
  verifyMac,
} from './usm-crypto';

/**
 * Sonde's own User-based Security Model for received notifications (RFC 3414 §3.2).
 *
 * Why not net-snmp's Receiver (read in node_modules/net-snmp/index.js, 3.29.2):
 * - `Listener.processIncoming` → `Message.processIncomingSecurity` checks no engineBoots/Time at
 *   all (the Session does, the Receiver does not): an authenticated trap replays forever;
 * - it localizes keys with whatever msgAuthoritativeEngineID the packet claims
 *   (`Authentication.passwordToKey`: 1 MiB of hashing) and caches the result in the global
 *   `authToKeyCache` object without bound — a CPU and memory flood with random engine IDs;
 * - it decrypts before it authenticates, and answers unknown users with Reports.
 * Pre-filtering the raw datagram and then handing it over would parse every packet twice and
 * still leave its global cache reachable, so the receiver decodes with its own bounds-checked
 * BER reader (snmp-message.ts) and does USM here: keys are localized once at config load for
 * the configured (engineId, user) pairs only; anything else is dropped before any hashing.
 */

export type SecurityLevel = 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';

export interface UsmUserConfig {
  name: string;
  /** the senders' snmpEngineIDs (hex) this user may send traps from */
  engineIds: readonly string[];
  authProtocol?: AuthProtocol;
  authPassword?: string;
  privProtocol?: PrivProtocol;
  privPassword?: string;
}

interface LocalizedUser {
  name: string;
  level: SecurityLevel;
  auth?: AuthProtocol;
  priv?: PrivProtocol;
  authKey?: Buffer;
  privKey?: Buffer;
}

export interface UsmAccepted {
  kind: 'accepted';
  scoped: ScopedPdu;
  user: string;
  engineId: string;
  level: SecurityLevel;
  /** for an inform: the Response to send back */
  reply?: Buffer;
}

export interface UsmDiscovery {
  kind: 'discovery';
  reply: Buffer;
}

/** usmStats counters (RFC 3414 §5) reported in Reports. */
const USM_STATS = {
  unknownEngineIds: '1.3.6.1.6.3.15.1.1.4.0',
  notInTimeWindows: '1.3.6.1.6.3.15.1.1.2.0',
};

export class UsmSecurity {
  private readonly keys = new Map<string, LocalizedUser>();
  private readonly userNames = new Set<string>();
  private readonly engineTimes: EngineTimeTracker;
  private reportCounter = 0;

  constructor(
    users: readonly UsmUserConfig[],
    readonly local: LocalEngine,
    clock: Clock,
  ) {
    this.engineTimes = new EngineTimeTracker(clock);
    for (const u of users) {
      const level: SecurityLevel = u.privProtocol ? 'authPriv' : u.authProtocol ? 'authNoPriv' : 'noAuthNoPriv';
      // Ku once per password; localization per engine is one short hash
      const authKu = u.authProtocol && u.authPassword ? passwordToKey(u.authProtocol, u.authPassword) : undefined;
      const privKu = u.authProtocol && u.privProtocol && u.privPassword ? passwordToKey(u.authProtocol, u.privPassword) : undefined;
      const engines = new Set([...u.engineIds.map((e) => e.toLowerCase()), local.engineId.toString('hex')]);
      for (const engineHex of engines) {
        const engine = Buffer.from(engineHex, 'hex');
        const entry: LocalizedUser = { name: u.name, level };
        if (u.authProtocol && authKu) {
          entry.auth = u.authProtocol;
          entry.authKey = localizeKey(u.authProtocol, authKu, engine);
        }
        if (u.authProtocol && u.privProtocol && privKu) {
          entry.priv = u.privProtocol;
          entry.privKey = privKey(u.authProtocol, u.privProtocol, privKu, engine);
        }
        this.keys.set(`${engineHex}/${u.name}`, entry);
      }
      this.userNames.add(u.name);
    }
  }

  /** Pre-localized (engine, user) keys: fixed at config load, whatever arrives. */
  get keyCount(): number {
    return this.keys.size;
  }

  get trackedEngines(): number {
    return this.engineTimes.size;
  }

  /** RFC 3414 §3.2 in its order: user/engine → level → digest → timeliness → decrypt. */
  process(buf: Buffer, msg: V3Message): UsmAccepted | UsmDiscovery {
    if (msg.securityModel !== 3) throw drop('unsupported-security-model', `securityModel ${msg.securityModel}`);
    const engineHex = msg.engineId.toString('hex');
    const userName = msg.userName.toString('latin1');
    const reportable = (msg.msgFlags & 0x04) !== 0;
    const authFlag = (msg.msgFlags & 0x01) !== 0;
    const privFlag = (msg.msgFlags & 0x02) !== 0;
    if (privFlag && !authFlag) throw drop('bad-flags', 'msgFlags: privacy without authentication');

    // engine ID discovery by an inform sender (RFC 3414 §4): answer with our engine ID
    if (msg.engineId.length === 0) {
      if (reportable && !authFlag) {
        const scoped = decodeScopedPdu(msg.data);
        return { kind: 'discovery', reply: this.report(msg, scoped, USM_STATS.unknownEngineIds) };
      }
      throw drop('unknown-engine-id', 'empty msgAuthoritativeEngineID');
    }
    const user = this.keys.get(`${engineHex}/${userName}`);
    if (!user) {
      if (this.userNames.has(userName)) throw drop('unknown-engine-id', `engine ${engineHex} is not configured for user ${userName}`);
      throw drop('unknown-user', `unknown user ${JSON.stringify(userName.slice(0, 32))}`);
    }
    const level: SecurityLevel = privFlag ? 'authPriv' : authFlag ? 'authNoPriv' : 'noAuthNoPriv';
    if (level !== user.level) throw drop('unsupported-sec-level', `user ${userName} requires ${user.level}, message is ${level}`);

    const authoritative = engineHex === this.local.engineId.toString('hex');
    if (user.auth && user.authKey) {
      if (!verifyMac(user.auth, user.authKey, buf, msg.authParams, msg.authParamsOffset)) {
        throw drop('wrong-digest', `wrong digest for user ${userName} engine ${engineHex}`);
      }
      // timeliness applies to authenticated messages only (RFC 3414 §3.2 step 7)
      if (authoritative) {
        if (!this.local.inWindow(msg.engineBoots, msg.engineTime)) {
          throw drop('not-in-time-window', `boots/time ${msg.engineBoots}/${msg.engineTime} outside our window`);
        }
      } else if (this.engineTimes.check(engineHex, msg.engineBoots, msg.engineTime)) {
        throw drop('not-in-time-window', `engine ${engineHex} boots/time ${msg.engineBoots}/${msg.engineTime} outside the window`);
      }
    }
    let plain = msg.data;
    if (user.priv && user.privKey) {
      try {
        plain = decryptScopedPdu(user.priv, user.privKey, msg.privParams, msg.engineBoots, msg.engineTime, msg.data);
      } catch (err) {
        if (err instanceof SnmpWireError) throw err;
        throw drop('decryption-error', `cannot decrypt for user ${userName}`);
      }
    }
    let scoped: ScopedPdu;
    try {
      scoped = decodeScopedPdu(plain);
    } catch (err) {
      if (user.priv && err instanceof SnmpWireError) throw drop('decryption-error', `decrypted ScopedPDU is malformed: ${err.message}`);
      throw err;
    }
    const accepted: UsmAccepted = { kind: 'accepted', scoped, user: userName, engineId: engineHex, level };
    if (scoped.pdu.tag === PDU_TAG.inform) {
      if (!authoritative) throw drop('unknown-engine-id', 'an inform must use the receiver engine ID');
      accepted.reply = this.response(msg, scoped, user);
    }
    return accepted;
  }

  /** The Response to an inform (RFC 3416 §4.2.7): same request-id and varbinds, same user and level. */
  private response(msg: V3Message, scoped: ScopedPdu, user: LocalizedUser): Buffer {
    const pdu = tlv(PDU_TAG.response, Buffer.concat([berInt(scoped.pdu.requestId), berInt(0), berInt(0), scoped.pdu.varbindsRaw]));
    const scopedBytes = berSeq(berOctets(scoped.contextEngineId), berOctets(scoped.contextName), pdu);
    return this.encodeV3(msg.msgId, msg.msgFlags & 0x03, user, scopedBytes, msg.userName);
  }

  /** A noAuthNoPriv Report carrying one usmStats counter (discovery). */
  private report(msg: V3Message, scoped: ScopedPdu, statOid: string): Buffer {
    this.reportCounter = (this.reportCounter + 1) >>> 0;
    const varbinds = berSeq(berSeq(berOid(statOid), berInt(this.reportCounter, 0x41)));
    const pdu = tlv(PDU_TAG.report, Buffer.concat([berInt(scoped.pdu.requestId), berInt(0), berInt(0), varbinds]));
    const scopedBytes = berSeq(berOctets(this.local.engineId), berOctets(Buffer.alloc(0)), pdu);
    return this.encodeV3(msg.msgId, 0, { name: '', level: 'noAuthNoPriv' }, scopedBytes, msg.userName);
  }

  private encodeV3(msgId: number, flags: number, user: LocalizedUser, scopedBytes: Buffer, userName: Buffer): Buffer {
    const boots = this.local.boots;
    const time = this.local.time;
    let data = scopedBytes;
    let salt: Buffer = Buffer.alloc(0);
    if (flags & 0x02 && user.priv && user.privKey) {
      const enc = encryptScopedPdu(user.priv, user.privKey, boots, time, scopedBytes);
      data = berOctets(enc.data);
      salt = enc.salt;
    }
    const macLength = flags & 0x01 && user.auth ? AUTH_PROTOCOLS[user.auth].macLength : 0;
    const header = berSeq(berInt(msgId), berInt(65507), berOctets(Buffer.from([flags])), berInt(3));
    const parts = [berOctets(this.local.engineId), berInt(boots), berInt(time), berOctets(userName), berOctets(Buffer.alloc(macLength)), berOctets(salt)];
    const secParams = berSeq(...parts);
    const message = berSeq(berInt(3), header, berOctets(secParams), data);
    if (macLength && user.auth && user.authKey) {
      // msgAuthenticationParameters' value: after the SEQUENCE header and the four fields before it
      const contentLength = parts.reduce((n, p) => n + p.length, 0);
      const before = (parts[0]?.length ?? 0) + (parts[1]?.length ?? 0) + (parts[2]?.length ?? 0) + (parts[3]?.length ?? 0);
      const at = message.indexOf(secParams) + (secParams.length - contentLength) + before + 2;
      computeMac(user.auth, user.authKey, message, at).copy(message, at);
    }
    return message;
  }
}

function drop(reason: string, message: string): SnmpWireError {
  return new SnmpWireError('auth', reason, 'security', message);
}
