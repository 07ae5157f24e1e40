import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ListenError } from '@sonde/events/listen-error';
import { ConfigError } from '@sonde/inventory/config-error';
import { InventoryModule } from '@sonde/inventory/inventory.module';
import { loadConfig } from '@sonde/inventory/load-config';
import type { SectionSchemas, SondeConfig } from '@sonde/inventory/sonde-config';
import { PinoNestLogger } from '@sonde/telemetry/pino-nest-logger';
import { telemetryConfigSchema } from '@sonde/telemetry/telemetry.config';
import { LOGGER, TelemetryModule } from '@sonde/telemetry/telemetry.module';
import type { Logger } from 'pino';
import { closeWithin } from './close-within';
import { EXIT_CODES } from './exit-codes';
import { parseServiceArgs, serviceUsage } from './service-args';

type WithTelemetry<S extends SectionSchemas> = S & { telemetry: typeof telemetryConfigSchema };

export interface ServiceDefinition<S extends SectionSchemas> {
  /** The service name: log binding, metric label, Kafka client id prefix. */
  service: string;
  /** The config sections this process reads besides the core ones and `telemetry`. */
  sections: S;
  /** The adapter modules it needs (BusModule, StoreModule, …) and its own module. */
  imports(config: SondeConfig<WithTelemetry<S>>, context: ServiceContext<WithTelemetry<S>>): DynamicModule[];
  /**
   * A boot failure the service knows how to explain (e.g. the icmp-prober without CAP_NET_RAW):
   * the one line to print and the exit code. Anything it does not claim is printed as
   * "cannot start" with exit 1 (a ListenError: exit 3).
   */
  explainBootFailure?(err: unknown): { message: string; exitCode: number } | undefined;
}

/** What a service may need besides its config: re-reading the same file for a reload without restart. */
export interface ServiceContext<S extends SectionSchemas> {
  /** The file given with --config, or `$SONDE_CONFIG_FILE` when it came from the environment. */
  configFile: string;
  /** Loads and validates the config file again, exactly as at boot (throws ConfigError naming file and paths). */
  reloadConfig(): SondeConfig<S>;
}

@Module({})
class ServiceRootModule {}

/**
 * The whole `main.ts` of a service run alone: arguments, config (errors name file and path,
 * exit 2), Nest app with telemetry and inventory, HTTP for /metrics and /health, graceful
 * shutdown on SIGTERM/SIGINT.
 */
export async function runService<S extends SectionSchemas>(
  definition: ServiceDefinition<S>,
  argv: readonly string[] = process.argv.slice(2),
): Promise<INestApplication | undefined> {
  const args = parseServiceArgs(argv);
  if ('error' in args) {
    process.stderr.write(`${definition.service}: ${args.error}\n\n${serviceUsage(definition.service)}\n`);
    process.exitCode = 2;
    return undefined;
  }
  if (args.help) {
    process.stdout.write(`${serviceUsage(definition.service)}\n`);
    return undefined;
  }
  let config: SondeConfig<WithTelemetry<S>>;
  const load = () =>
    loadConfig({
      ...(args.configFile ? { file: args.configFile } : {}),
      sections: { ...definition.sections, telemetry: telemetryConfigSchema } as WithTelemetry<S>,
    });
  try {
    config = load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${definition.service}: invalid configuration\n${err.message}\n`);
    process.exitCode = EXIT_CODES.config;
    return undefined;
  }
  const root: DynamicModule = {
    module: ServiceRootModule,
    imports: [
      TelemetryModule.forRoot({ service: definition.service, site: config.site, instance: config.instance, config: config.telemetry }),
      InventoryModule.forRoot(config),
      ...definition.imports(config, { configFile: args.configFile ?? '$SONDE_CONFIG_FILE', reloadConfig: load }),
    ],
  };
  const app = await NestFactory.create(root, { bufferLogs: true });
  const logger = app.get<Logger>(LOGGER);
  app.useLogger(new PinoNestLogger(logger));
  const { host, port } = config.telemetry.http;
  try {
    // init() opens the service's own sockets (onApplicationBootstrap); listen() the telemetry port
    await app.init();
    await app.listen(port, host).catch((err: unknown) => {
      throw new ListenError('telemetry.http.port', 'http', host, port, err);
    });
  } catch (err) {
    // A process that cannot do its job stops at once, in one line (naming the config path for a
    // socket); the stack goes to the log, not to the operator's terminal.
    const message = err instanceof Error ? err.message : String(err);
    const explained = definition.explainBootFailure?.(err);
    if (explained) process.stderr.write(`${explained.message}\n`);
    else process.stderr.write(`${definition.service}: ${err instanceof ListenError ? message : `cannot start: ${message}`}\n`);
    logger.fatal({ err, ...(err instanceof ListenError ? { configPath: err.configPath } : {}) }, message);
    logger.flush();
    await closeWithin(app, 5000);
    process.exit(explained?.exitCode ?? (err instanceof ListenError ? EXIT_CODES.cannotListen : EXIT_CODES.failure));
  }
  logger.info({ url: await app.getUrl() }, `${definition.service} started`);
  // Our own signal handling rather than Nest's enableShutdownHooks, which re-raises the signal
  // after closing: a graceful stop should exit 0 (Kubernetes and systemd read it as clean).
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `${definition.service} stopping`);
    app
      .close()
      .then(() => {
        logger.info(`${definition.service} stopped`);
        logger.flush();
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, `${definition.service} did not stop cleanly`);
        logger.flush();
        process.exit(1);
      });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return app;
}

