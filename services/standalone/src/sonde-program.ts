import { Command, Option } from 'commander';

/**
 * net-snmp's `-On` (numeric OIDs) as `sonde walk` takes it: commander's short options are one
 * letter, so `-On` is read as `--numeric` before parsing.
 */
export function normalizeArgv(argv: readonly string[]): string[] {
  const walk = argv.indexOf('walk');
  return argv.map((a, i) => (walk >= 0 && i > walk && a === '-On' ? '--numeric' : a));
}

/**
 * The `sonde` command line. Each action loads its implementation lazily so `sonde --help`
 * and `sonde validate` start fast and do not load Nest or chDB.
 */
export function sondeProgram(): Command {
  const program = new Command('sonde')
    .description('Sonde: ICMP, SNMP, traps and syslog into one event stream, stored in ClickHouse')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });

  const configOption = () => new Option('-c, --config <file>', 'config file (YAML); default: none, or $SONDE_CONFIG');
  const dataOption = () => new Option('-d, --data <dir>', 'data folder of the embedded store').default('.sonde-data');
  // query/status: no default, so "not given" can mean "the running `sonde up`, wherever its folder"
  const findDataOption = () =>
    new Option('-d, --data <dir>', 'data folder of the `sonde up` to read (default: the running one, whatever its folder and port; else ./.sonde-data)');

  program
    .command('up')
    .description('run every service in one process on the embedded adapters (memory bus, chDB, memory state) with lab devices')
    .addOption(configOption())
    .addOption(dataOption())
    .option('--no-lab', 'do not start the simulated lab devices')
    .option('--port <port>', 'HTTP port for /metrics, /health and the local query API', '9464')
    .option('--duration <seconds>', 'stop by itself after this many seconds (for demos and tests)')
    .option('--plain', 'print a status line every few seconds instead of redrawing the screen')
    .action(async (opts) => {
      const { runUp } = await import('./commands/up-command.js');
      await runUp(opts);
    });

  program
    .command('validate')
    .description('check a config file and print every error with its path')
    .addOption(configOption())
    .action(async (opts) => {
      const { runValidate } = await import('./commands/validate-command.js');
      process.exitCode = await runValidate(opts);
    });

  program
    .command('query')
    .description('run SQL against the store and print a table (uses a running `sonde up` if there is one)')
    .argument('<sql>', 'a ClickHouse SELECT, e.g. "SELECT device_name, count() FROM syslog_message GROUP BY ALL"')
    .addOption(findDataOption())
    .option('--json', 'print JSON lines instead of a table')
    .action(async (sql: string, opts) => {
      const { runQuery } = await import('./commands/query-command.js');
      process.exitCode = await runQuery(sql, opts);
    });

  program
    .command('status')
    .description('print the status of a running `sonde up` (events, drops, SNMP versions in use)')
    .addOption(findDataOption())
    .action(async (opts) => {
      const { runStatus } = await import('./commands/status-command.js');
      process.exitCode = await runStatus(opts);
    });

  const urlOption = () => new Option('--url <url>', 'a deployed alert-engine (any replica), instead of the running `sonde up`');
  program
    .command('alerts')
    .description('list firing alerts (Alertmanager API of the running `sonde up` or --url)')
    .addOption(dataOption())
    .addOption(urlOption())
    .option('--state <state>', 'active or suppressed (silenced, inhibited, in maintenance)')
    .option('--device <id>', 'only this device')
    .option('--site <site>', 'only this site')
    .option('--json', 'print JSON lines')
    .action(async (opts) => {
      const { runAlerts } = await import('./commands/alerts-command.js');
      process.exitCode = await runAlerts(opts);
    });

  const rules = program.command('rules').description('alert rules: test them against recorded events, reload them (and the notification config) in a running engine');
  rules
    .command('test')
    .description('run RULES.yaml over recorded events on a fake clock and print the transitions (like promtool test rules)')
    .argument('<rules>', 'a rule file (rules: and inhibit_rules:)')
    .requiredOption('--events <file>', 'events, one JSON event per line (e.g. from `sonde query ... --json`)')
    .option('--tick <duration>', 'fake-clock step between events', '10s')
    .option('--after <duration>', 'how long the clock runs on after the last event', '0s')
    .option('--cel <library>', 'CEL implementation: cel-js or bufbuild', 'cel-js')
    .option('--json', 'print the alert.state events as JSON lines')
    .action(async (file: string, opts) => {
      const { runRulesTestCommand } = await import('./commands/rules-command.js');
      process.exitCode = await runRulesTestCommand(file, opts);
    });
  rules
    .command('reload')
    .description(
      'reload the rules and the notification config (alertEngine.notify: routes, receivers, time intervals, maintenance windows, re-read from the config file) of the running `sonde up` (or --url): a bad file keeps the old version and says why',
    )
    .addOption(dataOption())
    .addOption(urlOption())
    .action(async (opts) => {
      const { runRulesReload } = await import('./commands/rules-command.js');
      process.exitCode = await runRulesReload(opts);
    });

  const silence = program.command('silence').description('silences (Alertmanager semantics): add, list, expire');
  silence
    .command('add')
    .description('silence alerts matching every matcher, e.g. sonde silence add device=r1 \'alertname=~"Link.*"\' --duration 2h --comment "fibre cut"')
    .argument('<matchers...>', 'name=value, name!=value, name=~regex, name!~regex')
    .requiredOption('--comment <text>', 'why (shown to everyone)')
    .option('--duration <d>', 'how long, e.g. 30m, 2h, 1d', '1h')
    .option('--author <name>', 'who (default: your user name)')
    .addOption(dataOption())
    .addOption(urlOption())
    .action(async (matchers: string[], opts) => {
      const { runSilenceAdd } = await import('./commands/silence-command.js');
      process.exitCode = await runSilenceAdd(matchers, opts);
    });
  silence
    .command('list')
    .description('active and pending silences (--expired: the expired ones)')
    .option('--expired', 'list expired silences instead')
    .addOption(dataOption())
    .addOption(urlOption())
    .action(async (opts) => {
      const { runSilenceList } = await import('./commands/silence-command.js');
      process.exitCode = await runSilenceList(opts);
    });
  silence
    .command('expire')
    .description('end silences now')
    .argument('<id...>')
    .addOption(dataOption())
    .addOption(urlOption())
    .action(async (ids: string[], opts) => {
      const { runSilenceExpire } = await import('./commands/silence-command.js');
      process.exitCode = await runSilenceExpire(ids, opts);
    });

  const inventory = program.command('inventory').description('the device list of running collectors, changed without restarts');
  inventory
    .command('apply')
    .description('validate FILE (as `sonde validate`) and publish its devices to sonde.targets.<site>: running pollers and probers pick them up within one interval')
    .argument('<file>', 'a config file (YAML) with bus.type kafka and the devices')
    .action(async (file: string) => {
      const { runInventoryApply } = await import('./commands/inventory-command.js');
      process.exitCode = await runInventoryApply(file);
    });

  const mibsOption = () => new Option('--mibs <dir...>', 'extra vendor MIB folders, compiled with the shipped modules');
  const mib = program.command('mib').description('the OID dictionary: translate and search MIB objects');
  mib
    .command('lookup')
    .description('translate an OID to its name (with decoded index) or a name to its OID')
    .argument('<oid|name>', 'e.g. 1.3.6.1.2.1.2.2.1.10.3 or IF-MIB::ifInOctets.3')
    .addOption(mibsOption())
    .action(async (query: string, opts) => {
      const { runMibLookup } = await import('./commands/mib-command.js');
      process.exitCode = await runMibLookup(query, opts);
    });
  mib
    .command('search')
    .description('list MIB objects whose name contains the text')
    .argument('<text>')
    .addOption(mibsOption())
    .action(async (text: string, opts) => {
      const { runMibSearch } = await import('./commands/mib-command.js');
      process.exitCode = await runMibSearch(text, opts);
    });

  program
    .command('walk')
    .description('walk a device (from the config) or an address and print names, types and values')
    .argument('<device|address>', 'a device id or address of the config, or any address (v2c)')
    .argument('[oid]', 'subtree, numeric or by name (default: mib-2)')
    .addOption(configOption())
    .option('--community <community>', 'v2c community for an address outside the config (default public)')
    .option('--port <port>', 'UDP port of the agent (default: the device\'s, else 161)')
    .option('-n, --numeric', 'print numeric OIDs (.1.3.6.1.2.1.1.5.0), as net-snmp\'s -On does; -On is accepted too')
    .addOption(mibsOption())
    .action(async (target: string, oid: string | undefined, opts) => {
      const { runWalk } = await import('./commands/walk-command.js');
      process.exitCode = await runWalk(target, oid, opts);
    });

  return program;
}
