import type { DropReason, DropStage } from '@sonde/collector/drop-reason';
import { SondeError, type ErrorContext, type SondeErrorCode } from '@sonde/events/sonde-error';

/** Where a datagram was refused: before decoding (rate limit), while decoding, or by USM/community. */
export type TrapDropStage = Extract<DropStage, 'receive' | 'decode' | 'security'>;

/** Causes that are not failures of the input but things we do not handle (reason `unsupported`). */
const UNSUPPORTED = new Set(['bad-version', 'bad-pdu-type', 'unexpected-pdu', 'unsupported-security-model']);

/**
 * Why a datagram was not turned into an event. `detail` is the trap receiver's detail
 * (`wrong-digest`, `bad-length`, …: the `detail` label of `sonde_trap_dropped_total`); `reason`
 * is the shared collector vocabulary it belongs to (libs/collector drop-reason.ts).
 */
export class TrapError extends SondeError {
  constructor(
    code: SondeErrorCode,
    readonly detail: string,
    readonly stage: TrapDropStage,
    message: string,
    context: ErrorContext = {},
  ) {
    super(code, message, context);
  }

  get reason(): DropReason {
    if (UNSUPPORTED.has(this.detail)) return 'unsupported';
    if (this.stage === 'decode') return 'malformed';
    if (this.detail === 'not-in-time-window') return 'replay';
    return 'auth';
  }
}

export function malformed(detail: string, message: string): TrapError {
  return new TrapError('malformed', detail, 'decode', message);
}
