import { SondeError, type ErrorContext, type SondeErrorCode } from '@sonde/events/sonde-error';

/** Where a received SNMP message was refused: while decoding BER, or by USM (RFC 3414 §3.2). */
export type SnmpWireStage = 'decode' | 'security';

/**
 * Why a received SNMP message cannot be used. `detail` names the failing check as an operator
 * would search for it (`bad-length`, `wrong-digest`, `not-in-time-window`, …); `stage` says
 * where. A collector maps it onto its drop vocabulary (libs/collector drop-reason.ts).
 */
export class SnmpWireError extends SondeError {
  constructor(
    code: SondeErrorCode,
    readonly detail: string,
    readonly stage: SnmpWireStage,
    message: string,
    context: ErrorContext = {},
  ) {
    super(code, message, context);
  }
}

export function malformed(detail: string, message: string): SnmpWireError {
  return new SnmpWireError('malformed', detail, 'decode', message);
}
