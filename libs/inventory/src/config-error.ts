import { SondeError } from '@sonde/events/sonde-error';

/** One problem in the configuration: where (a path such as `devices[3].snmp.credential`) and what. */
export interface ConfigIssue {
  path: string;
  message: string;
  /** For YAML syntax errors: 1-based position in the file. */
  line?: number;
  col?: number;
}

export function formatIssue(source: string, issue: ConfigIssue): string {
  const where = issue.line === undefined ? source : `${source}:${issue.line}:${issue.col ?? 1}`;
  return `${where}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

/**
 * Every configuration problem found at load, all at once (one per line), each naming the file,
 * the path and what was expected:
 *   sonde.yaml: devices[3].address: expected an IPv4 or IPv6 address, got "10.0.0.300"
 * Never carries a secret value.
 */
export class ConfigError extends SondeError {
  constructor(
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super('config', issues.map((i) => formatIssue(source, i)).join('\n'), {
      file: source,
      path: issues[0]?.path,
      issues: issues.length,
    });
  }
}
