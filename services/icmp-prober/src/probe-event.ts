import { createEvent, type EventOrigin } from '@sonde/events/create-event';
import type { IcmpProbePayload } from '@sonde/events/payloads/icmp-probe';
import type { EventOfKind } from '@sonde/events/sonde-event';
import type { CycleResult } from './icmp-prober';

/**
 * One `icmp.probe` event per target per cycle, plus a second one carrying `transition` when
 * the cycle changed the target's reachability: the alert engine reacts to the latter alone.
 */
export function probeEvents(result: CycleResult, origin: EventOrigin): EventOfKind<'icmp.probe'>[] {
  const payload: IcmpProbePayload = {
    target: result.target.address,
    family: result.target.family,
    sent: result.sent,
    received: result.received,
    lossPct: result.lossPct,
    rttMinMs: result.rttMinMs,
    rttAvgMs: result.rttAvgMs,
    rttMaxMs: result.rttMaxMs,
    rttStddevMs: result.rttStddevMs,
    errors: { ...result.errors },
    reachability: result.reachability,
  };
  const events = [createEvent('icmp.probe', origin, result.target.device, payload, result.startedAt)];
  if (result.transition) {
    events.push(createEvent('icmp.probe', origin, result.target.device, { ...payload, transition: { ...result.transition } }, result.startedAt));
  }
  return events;
}
