import type { DropReason } from '@sonde/collector/drop-reason';
import type { SnmpWireError } from '@sonde/snmp/ber/snmp-wire-error';

/** Details that are not failures of the input but things we do not handle. */
const UNSUPPORTED = new Set(['bad-version', 'bad-pdu-type', 'unexpected-pdu', 'unsupported-security-model']);

/**
 * The shared drop reason (libs/collector drop-reason.ts) of a refused datagram; its `detail`
 * (`wrong-digest`, `bad-length`, …) becomes the `detail` label of `sonde_trap_dropped_total`.
 */
export function trapDropReason(error: SnmpWireError): DropReason {
  if (UNSUPPORTED.has(error.detail)) return 'unsupported';
  if (error.stage === 'decode') return 'malformed';
  if (error.detail === 'not-in-time-window') return 'replay';
  return 'auth';
}
