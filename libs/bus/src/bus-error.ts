import { SondeError, type ErrorContext, type SondeErrorCode } from '@sonde/events/sonde-error';

/**
 * What the bus raises on purpose. `overloaded`: the memory queue or the spool is full (the
 * caller counts a drop); `unavailable`: the bus is closed; `malformed`: an event the broker
 * would never accept (too large); `config`: e.g. a spool folder in use by another process.
 */
export class BusError extends SondeError {
  constructor(code: SondeErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(code, message, context, options);
  }
}
