import type { SourceTokenBucket } from '@sonde/collector/source-token-bucket';
import { createEvent, type EventOrigin } from '@sonde/events/create-event';
import type { DeviceRef, EventOfKind } from '@sonde/events/sonde-event';
import { normalizeAddress } from '@sonde/inventory/network-address';
import type { OidDictionary } from '@sonde/snmp/mib/oid-dictionary';
import type { Clock } from '@sonde/telemetry/clock';
import { InformLedger } from './inform-ledger';
import { decodeMessage, PDU_TAG, type Pdu } from '@sonde/snmp/ber/snmp-message';
import { SnmpWireError } from '@sonde/snmp/ber/snmp-wire-error';
import { trapDropReason } from './trap-drop-reason';
import type { TrapReceiverMetrics } from './trap-receiver.metrics';
import { translateTrap } from './trap-translator';
import type { UsmSecurity } from '@sonde/snmp/usm/usm-security';

export type SnmpTrapEvent = EventOfKind<'snmp.trap'>;

export interface TrapReceiverDeps {
  dictionary: OidDictionary;
  /** accepted v1/v2c communities (revealed secrets; never logged) */
  communities: ReadonlySet<string>;
  usm: UsmSecurity;
  trustedRelays: ReadonlySet<string>;
  rateLimit: SourceTokenBucket;
  metrics: TrapReceiverMetrics;
  resolveDevice(address: string): DeviceRef;
  origin: EventOrigin;
  clock: Clock;
  /** bad input, rate-limited per source by the caller's RateLimitedLog */
  onDrop?(source: string, error: SnmpWireError): void;
}

export interface HandleResult {
  event?: SnmpTrapEvent;
  /** bytes to send back at once: a discovery Report, or the Response to an inform already accepted */
  reply?: Buffer;
  /** an inform: publish the event, then `settleInform(inform, accepted)` gives the Response to send */
  inform?: string;
}

/**
 * One datagram in, at most one event and one reply out: rate limit → decode → authorize
 * (community or USM) → translate. No I/O here (trap-sockets.ts owns the sockets). Unit: one
 * datagram — each is counted as received, then exactly once as published (by the publisher) or
 * dropped{reason,stage}: discovery exchanges as `control`, inform retries as `duplicate`.
 */
export class TrapReceiver {
  private readonly informs = new InformLedger();

  constructor(private readonly deps: TrapReceiverDeps) {}

  handle(buf: Buffer, from: { address: string; port: number }): HandleResult {
    const { metrics } = this.deps;
    metrics.received();
    const address = normalizeAddress(from.address);
    const limited = this.deps.rateLimit.tryTake(address, this.deps.clock.now());
    if (limited) {
      metrics.dropped('rate-limit', 'receive', 1, limited === 'source' ? 'source-rate' : 'global-rate');
      return {};
    }
    try {
      return this.process(buf, { address, port: from.port });
    } catch (err) {
      const e = err instanceof SnmpWireError ? err : new SnmpWireError('malformed', 'decode-error', 'decode', (err as Error).message);
      metrics.dropped(trapDropReason(e), e.stage, 1, e.detail);
      this.deps.onDrop?.(address, e);
      return {};
    }
  }

  /** The bus accepted (or refused) an inform's event: the Response to send, if any. */
  settleInform(key: string, accepted: boolean): Buffer | undefined {
    const reply = this.informs.settle(key, accepted, this.deps.clock.now());
    if (reply) this.deps.metrics.informsAcknowledged.inc({ version: key.slice(0, key.indexOf('|')) });
    return reply;
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
      if (r.kind === 'discovery') {
        // RFC 3414 §4: answered with a Report, carries no notification
        this.deps.metrics.dropped('control', 'security', 1, 'discovery');
        return { reply: r.reply };
      }
      pdu = r.scoped.pdu;
      reply = r.reply;
      version = 'v3';
      security = { user: r.user, engineId: r.engineId, level: r.level };
    } else {
      const community = msg.community.toString('latin1');
      if (!this.deps.communities.has(community)) throw new SnmpWireError('auth', 'unknown-community', 'security', 'community not accepted');
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
      throw new SnmpWireError('malformed', 'unexpected-pdu', 'decode', `PDU 0x${pdu.tag.toString(16)} is not a ${version} notification`);
    }
    const { payload, deviceAddress } = translateTrap(
      pdu,
      { version, source, security, trustedRelay: this.deps.trustedRelays.has(source.address) },
      this.deps.dictionary,
    );
    const event = createEvent('snmp.trap', this.deps.origin, this.deps.resolveDevice(deviceAddress), payload, receivedAt, receivedAt);
    let inform: string | undefined;
    if (reply) {
      // a retry carries the same request-id from the same socket (net-snmp resends the PDU)
      inform = `${version}|${source.address}|${source.port}|${pdu.requestId}|${security.engineId ?? ''}|${security.user ?? ''}`;
      const state = this.informs.see(inform, reply, receivedAt);
      if (state === 'pending') {
        this.deps.metrics.dropped('duplicate', 'match', 1, 'inform-retry');
        return {};
      }
      if (state === 'accepted') {
        // our Response was lost: answer again, the event is already on the bus
        this.deps.metrics.dropped('duplicate', 'match', 1, 'inform-retry');
        this.deps.metrics.informsAcknowledged.inc({ version });
        return { reply };
      }
    }
    this.deps.metrics.parsed();
    return inform ? { event, inform } : { event };
  }
}
