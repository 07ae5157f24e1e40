import { SondeError, type ErrorContext, type SondeErrorCode } from '@sonde/events/sonde-error';

/** Errors the syslog receiver raises on purpose (boot: `config`, bind failures: `unavailable`). */
export class SyslogReceiverError extends SondeError {
  constructor(code: SondeErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(code, message, context, options);
  }
}
