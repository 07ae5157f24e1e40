import { SondeError } from '@sonde/events/sonde-error';

/**
 * A notification config that validated but cannot be built (a notifier whose credential is
 * missing or of the wrong type). `path` is the config path, e.g.
 * `alertEngine.notify.receivers[0].notifiers[1]`: at boot it stops the process, at a reload it
 * is the offending field the API answers and the log names.
 */
export class NotifyConfigError extends SondeError {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('config', `${path}: ${message}`, { path }, options);
  }
}
