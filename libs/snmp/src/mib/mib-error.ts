import { SondeError, type ErrorContext, type SondeErrorCode } from '@sonde/events/sonde-error';

/** A MIB file that cannot be parsed, or a name/OID the dictionary cannot resolve. */
export class MibError extends SondeError {
  constructor(code: SondeErrorCode, message: string, context: ErrorContext = {}) {
    super(code, message, context);
  }
}
