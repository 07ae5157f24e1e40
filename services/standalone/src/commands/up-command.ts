import { mkdirSync, unwatchFile, watchFile } from 'node:fs';
import { MemoryTargetAssignment } from '@sonde/bus/memory/memory-target-assignment';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { ListenError } from '@sonde/events/listen-error';
import { ConfigError } from '@sonde/inventory/config-error';
import { EXIT_CODES } from '@sonde/runtime/exit-codes';
import { closeWithin } from '@sonde/runtime/close-within';
import { icmpPrivilegeProblem } from '@sonde/icmp-prober/icmp-privilege';
import { Lab } from '@sonde/lab/lab';
import { PinoNestLogger } from '@sonde/telemetry/pino-nest-logger';
import { LOGGER } from '@sonde/telemetry/telemetry.tokens';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pino from 'pino';
import type { Logger } from 'pino';
import { ClickHouseHttpListener } from '../clickhouse-http/clickhouse-http.listener';
import { removeInstanceFile, writeInstanceFile } from '../instance-file';
import { STATUS_TRACKER } from '../local-api.controller';
import { labOverlay } from '../lab-overlay';
import { StandaloneModule } from '../standalone.module';
import { renderStatus } from '../status/render-status';
import type { StatusTracker } from '../status/status-tracker';
import { loadUpConfig, type UpConfig } from '../up-config';

export interface UpOptions {
  config?: string;
  data: string;
  lab: boolean;
  port: string;
  duration?: string;
  plain?: boolean;
}

function fail(message: string, code: number = EXIT_CODES.config): never {
  process.stderr.write(`sonde up: ${message}\n`);
  process.exit(code);
}

/**
 * `sonde up`: loads the config, starts the lab (its devices join the inventory), boots every
 * service in one Nest app on the embedded adapters, and redraws the status until Ctrl-C.
 */
export async function runUp(options: UpOptions): Promise<void> {
  const dataDir = path.resolve(options.data);
  mkdirSync(dataDir, { recursive: true });
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port: expected a port number, got "${options.port}"`);
  const durationMs = options.duration === undefined ? undefined : Number(options.duration) * 1000;
  if (durationMs !== undefined && !(durationMs > 0)) fail(`--duration: expected seconds > 0, got "${options.duration}"`);

  let config: UpConfig;
  try {
    config = loadUpConfig({ ...(options.config ? { file: options.config } : {}), dataDir });
  } catch (err) {
    if (err instanceof ConfigError) fail(`invalid configuration\n${err.message}`);
    throw err;
  }

  // From here `sonde query`/`status` know this folder is taken (chDB is opened by this process)
  // and wait for the API instead of failing on the locked folder.
  const startedAt = Date.now();
  writeInstanceFile({ pid: process.pid, state: 'starting', dataDir, startedAt });
  process.once('exit', () => removeInstanceFile(dataDir));

  let lab: Lab | undefined;
  if (options.lab && config.lab.enabled && config.lab.devices > 0) {
    lab = await Lab.start(labOptionsFor(config));
    config = loadUpConfig({ ...(options.config ? { file: options.config } : {}), dataDir, overlay: labOverlay(lab) });
  }

  // The one service that needs a privilege: without it, run the rest and say why.
  const icmpProblem = icmpPrivilegeProblem();
  const disabled = icmpProblem ? ['icmp-prober'] : [];

  const logFile = path.join(dataDir, 'sonde.log');
  const logDestination = pino.destination({ dest: logFile, mkdir: true, sync: false });
  // One target assignment for every collector of the process: a changed config file hands it the new device list.
  const targetAssignment = new MemoryTargetAssignment();
  let app: NestExpressApplication;
  try {
    // re-read by `sonde rules reload` / SIGHUP for the alert-engine's notification config
    const reloadable = options.config
      ? { configFile: options.config, reloadConfig: () => loadUpConfig({ file: options.config, dataDir, ...(lab ? { overlay: labOverlay(lab) } : {}) }) }
      : undefined;
    app = await NestFactory.create<NestExpressApplication>(StandaloneModule.forRoot(config, { logDestination, disabled, targetAssignment, ...(reloadable ? { configFile: reloadable } : {}) }), {
      bufferLogs: true,
    });
  } catch (err) {
    await lab?.close();
    throw err;
  }
  const logger = app.get<Logger>(LOGGER);
  app.useLogger(new PinoNestLogger(logger));
  app.useBodyParser('json', { limit: '20mb' });
  try {
    // init() opens every receiver's sockets; listen() the local API
    await app.init();
    await app.listen(port, '127.0.0.1').catch((err: unknown) => {
      throw new ListenError('--port', 'http', '127.0.0.1', port, err);
    });
  } catch (err) {
    if (!(err instanceof ListenError)) throw err;
    // Without its listeners `sonde up` cannot do its job: stop everything at once and say which
    // config path chose the address (the lab and the other services were already started).
    logger.fatal({ configPath: err.configPath }, err.message);
    await closeWithin(app, 5000);
    await lab?.close();
    logDestination.flushSync();
    fail(err.message, EXIT_CODES.cannotListen);
  }
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  writeInstanceFile({ pid: process.pid, state: 'ready', url, dataDir, startedAt });
  logger.info({ url, lab: lab?.devices.length ?? 0 }, 'sonde up started');

  const tracker = app.get<StatusTracker>(STATUS_TRACKER);
  tracker.notes.push('', `api ${url}  ·  logs ${logFile}  ·  data ${dataDir}`);
  if (lab) tracker.notes.push(`lab: ${lab.devices.length} simulated devices (${lab.devices.map((d) => d.id).slice(0, 4).join(', ')}${lab.devices.length > 4 ? ', …' : ''})`);
  const clickhouseUrl = clickhouseHttpUrl(app);
  if (clickhouseUrl) tracker.notes.push(`clickhouse http ${clickhouseUrl} (Grafana: ClickHouse data source, protocol HTTP, database ${config.store.database})`);
  if (icmpProblem) tracker.notes.push(`icmp-prober is off: ${icmpProblem}`);
  const tty = process.stdout.isTTY && !options.plain;
  if (!tty) {
    process.stdout.write(`sonde up: ready at ${url} (data ${dataDir})\n`);
    for (const note of tracker.notes.filter(Boolean)) process.stdout.write(`sonde up: ${note}\n`);
  }
  const draw = async () => {
    const text = renderStatus(await tracker.view());
    if (tty) process.stdout.write(`\x1b[H\x1b[2J${text}\n`);
    else {
      const v = await tracker.view();
      const total = v.rates.reduce((s, r) => s + r.total, 0);
      const perKind = v.rates.filter((r) => r.total > 0).map((r) => `${r.kind}=${r.total}`).join(' ');
      process.stdout.write(`sonde up: events=${total} stored=${v.stored} ${perKind}\n`);
    }
  };
  const timer = setInterval(() => void draw(), tty ? 1000 : 5000);

  // The config file is watched: a valid change reaches the pollers, probers and rmon-collector at
  // once (devices added, removed, their settings); an invalid one changes nothing and says why.
  // Other sections (ports, adapters) still need a restart.
  const configFile = options.config;
  let devicesJson = JSON.stringify(config.devices);
  if (configFile) {
    watchFile(configFile, { interval: 500 }, (curr, prev) => {
      if (curr.mtimeMs === prev.mtimeMs && curr.size === prev.size) return;
      let next: UpConfig;
      try {
        next = loadUpConfig({ file: configFile, dataDir, ...(lab ? { overlay: labOverlay(lab) } : {}) });
      } catch (err) {
        const why = err instanceof ConfigError ? err.message : (err as Error).message;
        logger.warn({ file: configFile, err: why }, 'config file changed but is invalid: nothing changed');
        process.stdout.write(`sonde up: ${configFile} changed but is invalid — nothing changed:\n${why}\n`);
        return;
      }
      const json = JSON.stringify(next.devices);
      if (json === devicesJson) return;
      devicesJson = json;
      targetAssignment.replaceDevices(next.devices);
      logger.info({ file: configFile, devices: next.devices.length }, 'config file changed: device list applied');
      process.stdout.write(`sonde up: ${configFile} changed — ${next.devices.length} device(s) applied\n`);
    });
  }

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    if (configFile) unwatchFile(configFile);
    logger.info({ why }, 'sonde up stopping');
    process.stdout.write(`\nsonde up: stopping (${why})…\n`);
    removeInstanceFile(dataDir);
    await app.close();
    await lab?.close();
    logDestination.flushSync();
    process.stdout.write('sonde up: stopped\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  if (durationMs !== undefined) setTimeout(() => void stop(`--duration ${options.duration}s`), durationMs).unref();
}

/** Where the ClickHouse HTTP interface listens, when it runs (clickhouseHttp.enabled, chDB store). */
function clickhouseHttpUrl(app: NestExpressApplication): string | undefined {
  try {
    return app.get(ClickHouseHttpListener, { strict: false }).url;
  } catch {
    return undefined;
  }
}

/** Lab traffic goes to the receivers this `sonde up` runs, wherever the config put them. */
function labOptionsFor(config: UpConfig): UpConfig['lab'] {
  const trapPort = config.trapReceiver.listen[0]?.port;
  const syslogPort = config.syslogReceiver.udp.port;
  return {
    ...config.lab,
    traps: { ...config.lab.traps, ...(trapPort ? { target: `127.0.0.1:${trapPort}` } : {}) },
    syslog: { ...config.lab.syslog, ...(config.syslogReceiver.udp.enabled ? { target: `127.0.0.1:${syslogPort}` } : {}) },
  };
}
