import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { AlertEngineConfig } from './alert-engine.config';
import { CEL_ENGINES } from './cel-engine';
import type { RuleSet } from './rule-set';
import { loadRuleSet } from './rule-set-loader';

export type ReloadResult = { ok: true; rules: number; sources: readonly string[] } | { ok: false; error: string };

export interface RuleReloaderOptions {
  config: AlertEngineConfig;
  apply(rules: RuleSet): Promise<void>;
  onResult(result: ReloadResult, trigger: string): void;
  /** Rule files re-read by a reload; defaults to the config's (tests pass their own reader). */
  readFile?: (path: string) => string;
}

/**
 * Loads the rules at boot and again on demand (file change, SIGHUP, POST /api/rules/reload,
 * `sonde rules reload`). A reload that fails validation changes nothing: the old rules keep
 * running and the result says why.
 */
export class RuleReloader {
  private watchers: FSWatcher[] = [];
  private debounce: NodeJS.Timeout | undefined;

  constructor(private readonly options: RuleReloaderOptions) {}

  /** The first load: throws AlertRuleError (the process exits naming the file and rule). */
  initial(): RuleSet {
    return this.load();
  }

  private load(): RuleSet {
    const c = this.options.config;
    return loadRuleSet(
      { rules: c.rules, inhibitRules: c.inhibit_rules, ruleFiles: c.ruleFiles, defaultRules: c.defaultRules },
      { cel: CEL_ENGINES[c.cel], ...(this.options.readFile ? { readFile: this.options.readFile } : {}) },
    );
  }

  async reload(trigger: string): Promise<ReloadResult> {
    let result: ReloadResult;
    try {
      const rules = this.load();
      await this.options.apply(rules);
      result = { ok: true, rules: rules.rules.length, sources: rules.sources };
    } catch (err) {
      result = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    this.options.onResult(result, trigger);
    return result;
  }

  /** Reloads when a rule file changes (editors replace files: the watch is on the file's events, debounced). */
  watchFiles(): void {
    // the folder, not the file: editors and ConfigMap updates replace the file (a new inode)
    for (const file of this.options.config.ruleFiles) {
      try {
        const w = watch(path.dirname(file), { persistent: false }, (_event, name) => {
          if (name !== null && name !== path.basename(file) && !String(name).startsWith('..')) return;
          clearTimeout(this.debounce);
          this.debounce = setTimeout(() => void this.reload(`file ${file} changed`), 200);
          this.debounce.unref();
        });
        w.on('error', () => undefined);
        this.watchers.push(w);
      } catch {
        // a file that cannot be watched is still reloaded by SIGHUP and the API
      }
    }
  }

  close(): void {
    clearTimeout(this.debounce);
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }
}
