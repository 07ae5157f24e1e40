import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository root (libs/testing/src → ../../..). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const SERVICES_SCRIPT = path.join(REPO_ROOT, 'scripts/services.sh');

export function servicesDir(): string {
  return process.env.SONDE_SERVICES_DIR ?? '/tmp/sonde-services';
}

/** Every service scripts/services.sh knows, in the order they are started. */
export function knownServices(): string[] {
  return ['redis', 'clickhouse', 'kafka'].filter((n) => existsSync(path.join(REPO_ROOT, 'scripts/services', `${n}.sh`)));
}

/**
 * How to reach a real service started by scripts/services.sh (KEY=VALUE from its env file).
 * Throws, naming the command to run, when it is not running: an integration test must never
 * pass silently without the component it integrates.
 */
export function realService(name: string): Record<string, string> {
  const file = path.join(servicesDir(), `${name}.env`);
  if (!existsSync(file)) {
    throw new Error(`real ${name} is not running: start it with \`scripts/services.sh start ${name}\` (looked for ${file})`);
  }
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

export function runServicesScript(args: string[]): string {
  return execFileSync('bash', [SERVICES_SCRIPT, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SONDE_SERVICES_DIR: servicesDir() },
  });
}

/**
 * Kills a real service as a crash would (SIGKILL, no clean shutdown) and waits until it is
 * gone; its data folder stays, so `restartRealService` brings the same instance back.
 */
export async function crashRealService(name: string, dir: string = servicesDir()): Promise<void> {
  const pidFile = path.join(dir, name, 'pid');
  if (!existsSync(pidFile)) throw new Error(`real ${name} has no pid file (${pidFile}): is it running?`);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return; // already gone
  }
  for (let i = 0; i < 200; i++) {
    if (!processAlive(pid)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`real ${name} (pid ${pid}) did not die after SIGKILL`);
}

/**
 * Starts a crashed service again on the same ports and data, through the `restart.sh` its
 * scripts/services/<name>.sh wrote into its folder; returns once it is ready.
 */
export function restartRealService(name: string, dir: string = servicesDir()): void {
  const script = path.join(dir, name, 'restart.sh');
  if (!existsSync(script)) throw new Error(`real ${name} cannot be restarted: ${script} is missing (scripts/services/${name}.sh writes it)`);
  execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

/**
 * Starts a private instance of a service in its own services folder (not the one the whole
 * test run shares): for tests that crash or restart it, so other suites are not disturbed.
 * Returns its KEY=VALUE env; stop it with `stopPrivateService(name, dir)`.
 */
export function startPrivateService(name: string, dir: string): Record<string, string> {
  execFileSync('bash', [SERVICES_SCRIPT, 'start', name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SONDE_SERVICES_DIR: dir },
  });
  const env: Record<string, string> = {};
  for (const line of readFileSync(path.join(dir, `${name}.env`), 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

export function stopPrivateService(name: string, dir: string): void {
  execFileSync('bash', [SERVICES_SCRIPT, 'stop', name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SONDE_SERVICES_DIR: dir },
  });
}

function processAlive(pid: number): boolean {
  try {
    // a zombie (killed, not yet reaped) is not alive
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
