import { SondeError, type ErrorContext, type SondeErrorCode } from '@sonde/events/sonde-error';

/**
 * Why a datagram was not turned into an event. `reason` is the metric label
 * (`sonde_trap_dropped_total{reason,stage}`), `stage` where it was decided.
 */
export type TrapDropStage = 'decode' | 'security' | 'ratelimit' | 'publish';

export class TrapError extends SondeError {
  constructor(
    code: SondeErrorCode,
    readonly reason: string,
    readonly stage: TrapDropStage,
    message: string,
    context: ErrorContext = {},
  ) {
    super(code, message, context);
  }
}

export function malformed(reason: string, message: string): TrapError {
  return new TrapError('malformed', reason, 'decode', message);
}
