/** What a service process accepts on its command line (everything else is config/env). */
export interface ServiceArgs {
  configFile?: string;
  help: boolean;
}

export function parseServiceArgs(argv: readonly string[]): ServiceArgs | { error: string } {
  const args: ServiceArgs = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') args.help = true;
    else if (a === '-c' || a === '--config') {
      const file = argv[++i];
      if (!file) return { error: `${a} needs a file` };
      args.configFile = file;
    } else if (a?.startsWith('--config=')) args.configFile = a.slice('--config='.length);
    else return { error: `unknown argument "${a}"` };
  }
  return args;
}

export function serviceUsage(service: string): string {
  return [
    `usage: node dist/main.js [--config FILE]    (the ${service} service alone)`,
    '',
    '  -c, --config FILE   the config file (YAML); default $SONDE_CONFIG_FILE, else all defaults',
    '  -h, --help          this help',
    '',
    'Any setting can be overridden from the environment: SONDE_<SECTION>__<KEY>=value,',
    "e.g. SONDE_BUS__TYPE=kafka SONDE_BUS__KAFKA__BROKERS='[\"kafka:9092\"]'.",
    'Serves /metrics, /health/live and /health/ready on telemetry.http (default 127.0.0.1:9464).',
  ].join('\n');
}
