import { createEvent, type EventOrigin } from '@sonde/events/create-event';
import type { DeviceRef, EventOfKind } from '@sonde/events/sonde-event';
import type { OidDictionary } from '@sonde/snmp/mib/oid-dictionary';
import type { Clock } from '@sonde/telemetry/clock';
import { decodeMessage, PDU_TAG, type Pdu } from './snmp-message';
import type { StormGuard } from './storm-guard';
import { TrapError } from './trap-error';
import type { TrapReceiverMetrics } from './trap-receiver.metrics';
import { translateTrap } from './trap-translator';
import type { UsmSecurity } from './usm-security';

export type SnmpTrapEvent = EventOfKind<'snmp.trap'>;

export interface TrapReceiverDeps {
  dictionary: OidDictionary;
  /** accepted v1/v2c communities (revealed secrets; never logged) */
  communities: ReadonlySet<string>;
  usm: UsmSecurity;
  trustedRelays: ReadonlySet<string>;
  stormGuard: StormGuard;
  metrics: TrapReceiverMetrics;
  resolveDevice(address: string): DeviceRef;
  origin: EventOrigin;
  clock: Clock;
  /** bad input, rate-limited per source by the caller's RateLimitedLog */
  onDrop?(source: string, error: TrapError): void;
}

export interface HandleResult {
  event?: SnmpTrapEvent;
  /** bytes to send back to the source: an inform Response or a discovery Report */
  reply?: Buffer;
}

/** `::ffff:10.0.0.1` (a v4 peer on a dual-stack socket) → `10.0.0.1` */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * One datagram in, at most one event and one reply out: storm guard → decode → authorize
 * (community or USM) → translate. No I/O here (trap.listener.ts owns the sockets); every
 * datagram is counted as received and then exactly once as parsed or dropped{reason,stage}.
 */
export class TrapReceiver {
  constructor(private readonly deps: TrapReceiverDeps) {}

  handle(buf: Buffer, from: { address: string; port: number }): HandleResult {
    const { metrics } = this.deps;
    metrics.received.inc();
    const address = normalizeAddress(from.address);
    const limited = this.deps.stormGuard.admit(address);
    if (limited) {
      metrics.dropped.inc({ reason: limited, stage: 'ratelimit' });
      return {};
    }
    try {
      return this.process(buf, { address, port: from.port });
    } catch (err) {
      const e = err instanceof TrapError ? err : new TrapError('malformed', 'decode-error', 'decode', (err as Error).message);
      metrics.dropped.inc({ reason: e.reason, stage: e.stage });
      this.deps.onDrop?.(address, e);
      return {};
    }
  }

  private process(buf: Buffer, source: { address: string; port: number }): HandleResult {
    const receivedAt = this.deps.clock.now();
    const msg = decodeMessage(buf);
    let pdu: Pdu;
    let reply: Buffer | undefined;
    let version: 'v1' | 'v2c' | 'v3';
    let security: SnmpTrapEvent['payload']['security'];
    if (msg.version === 3) {
      const r = this.deps.usm.process(buf, msg);
      if (r.kind === 'discovery') return { reply: r.reply };
      pdu = r.scoped.pdu;
      reply = r.reply;
      version = 'v3';
      security = { user: r.user, engineId: r.engineId, level: r.level };
    } else {
      const community = msg.community.toString('latin1');
      if (!this.deps.communities.has(community)) throw new TrapError('auth', 'unknown-community', 'security', 'community not accepted');
      pdu = msg.pdu;
      version = msg.version === 0 ? 'v1' : 'v2c';
      // the community is a secret: the event records only that one was accepted
      security = {};
      if (pdu.tag === PDU_TAG.inform) {
        reply = Buffer.from(buf);
        reply[msg.pduOffset] = PDU_TAG.response; // same request-id, error 0, same varbinds (RFC 3416 §4.2.7)
      }
    }
    const expected = version === 'v1' ? [PDU_TAG.trapV1] : [PDU_TAG.trapV2, PDU_TAG.inform];
    if (!(expected as number[]).includes(pdu.tag)) {
      throw new TrapError('malformed', 'unexpected-pdu', 'decode', `PDU 0x${pdu.tag.toString(16)} is not a ${version} notification`);
    }
    const { payload, deviceAddress } = translateTrap(
      pdu,
      { version, source, security, trustedRelay: this.deps.trustedRelays.has(source.address) },
      this.deps.dictionary,
    );
    const event = createEvent('snmp.trap', this.deps.origin, this.deps.resolveDevice(deviceAddress), payload, receivedAt, receivedAt);
    this.deps.metrics.parsed.inc();
    if (reply) this.deps.metrics.informsAcknowledged.inc({ version });
    return reply ? { event, reply } : { event };
  }
}
