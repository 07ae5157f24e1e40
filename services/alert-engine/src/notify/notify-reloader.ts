import { ConfigError } from '@sonde/inventory/config-error';
import type { Inventory } from '@sonde/inventory/inventory';
import { NotifyConfigError } from './notify-config-error';
import type { NotifyConfig } from './notify.config';
import type { NotifyReloadSummary, NotifyStage } from './notify-stage';

/** Where a reload reads the notification config from: the config file the service was started with. */
export interface NotifyConfigSource {
  /** That file (named in logs and answers). */
  file: string;
  /** Re-reads and validates the whole file (throws ConfigError naming the file and each path). */
  read(): { notify: NotifyConfig; credentials: Pick<Inventory, 'credentialOfType'> };
}

export type NotifyReloadResult =
  | ({ ok: true; file: string } & NotifyReloadSummary)
  /** `path`: the first offending config path, e.g. `alertEngine.notify.route.routes.0.receiver`. */
  | { ok: false; file: string; path: string; error: string }
  /** Nothing to re-read (started without a config source, e.g. in tests): the config is unchanged. */
  | { ok: true; skipped: string };

export interface NotifyReloaderOptions {
  source: NotifyConfigSource | undefined;
  stage: NotifyStage;
  onResult(result: NotifyReloadResult, trigger: string): void;
}

/**
 * Reloads the notification half (routes, receivers, time intervals, maintenance windows) from
 * the config file on the same triggers as the rules (SIGHUP, POST /api/rules/reload,
 * `sonde rules reload`). A file that does not validate, or a receiver that cannot be built,
 * changes nothing: the running config stays, the result names the file and the path.
 */
export class NotifyReloader {
  constructor(private readonly options: NotifyReloaderOptions) {}

  reload(trigger: string): NotifyReloadResult {
    const { source, stage } = this.options;
    let result: NotifyReloadResult;
    if (!source) result = { ok: true, skipped: 'no config file to re-read' };
    else {
      try {
        const next = source.read();
        result = { ok: true, file: source.file, ...stage.reload(next.notify, next.credentials) };
      } catch (err) {
        result = failure(source.file, err);
      }
    }
    if (!('skipped' in result)) stage.metrics.configReloads.inc({ result: result.ok ? 'ok' : 'error' });
    this.options.onResult(result, trigger);
    return result;
  }
}

function failure(file: string, err: unknown): NotifyReloadResult {
  if (err instanceof ConfigError) return { ok: false, file: err.source, path: err.issues[0]?.path ?? '', error: err.message };
  if (err instanceof NotifyConfigError) return { ok: false, file, path: err.path, error: `${file}: ${err.message}` };
  return { ok: false, file, path: '', error: `${file}: ${err instanceof Error ? err.message : String(err)}` };
}
