import { SondeError, type ErrorContext } from '@sonde/events/sonde-error';

/** A rule (file, rule id/index, path) that cannot be loaded: fatal at boot, refused on reload. */
export class AlertRuleError extends SondeError {
  constructor(message: string, context: ErrorContext = {}) {
    super('config', message, context);
  }
}
