import { SondeError, type ErrorContext, type SondeErrorCode } from '@sonde/events/sonde-error';

/** Errors of the lab (bad lab config, a port that cannot be bound, an unknown device id). */
export class LabError extends SondeError {
  constructor(code: SondeErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(code, message, context, options);
  }
}
