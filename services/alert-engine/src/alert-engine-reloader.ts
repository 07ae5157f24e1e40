import type { NotifyReloader, NotifyReloadResult } from './notify/notify-reloader';
import type { RuleReloader } from './rule-reloader';

/**
 * What one reload did: the rules' part at the top level (as before: `rules`, `sources`, or
 * `error`), the notification config's under `notify`. `ok` only when both reloaded.
 */
export interface EngineReloadResult {
  ok: boolean;
  rules?: number;
  sources?: readonly string[];
  error?: string;
  notify: NotifyReloadResult;
}

/**
 * One reload of the whole engine (SIGHUP, POST /api/rules/reload, `sonde rules reload`): the
 * rules, then the notification config. Each part keeps its old version when its new one is
 * bad, independently of the other.
 */
export class AlertEngineReloader {
  constructor(
    private readonly rules: RuleReloader,
    private readonly notify: NotifyReloader,
  ) {}

  async reload(trigger: string): Promise<EngineReloadResult> {
    const rules = await this.rules.reload(trigger);
    const notify = this.notify.reload(trigger);
    const errors = [...(rules.ok ? [] : [rules.error]), ...(notify.ok ? [] : [`notification config: ${notify.error}`])];
    return {
      ok: errors.length === 0,
      ...(rules.ok ? { rules: rules.rules, sources: rules.sources } : {}),
      ...(errors.length > 0 ? { error: errors.join('\n') } : {}),
      notify,
    };
  }
}
