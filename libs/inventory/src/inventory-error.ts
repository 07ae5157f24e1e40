import { SondeError, type ErrorContext } from '@sonde/events/sonde-error';

/** A lookup the caller expected to succeed: unknown credential, wrong credential type. */
export class InventoryError extends SondeError {
  constructor(message: string, context: ErrorContext = {}) {
    super('not-found', message, context);
  }
}
