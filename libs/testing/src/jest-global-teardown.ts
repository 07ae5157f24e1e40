import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runServicesScript, servicesDir } from './real-services';

/** Stops what globalSetup started, unless SONDE_KEEP_SERVICES=1 (fast reruns while developing). */
export default async function globalTeardown(): Promise<void> {
  const marker = path.join(servicesDir(), 'started-by-jest');
  if (!existsSync(marker)) return;
  const started = readFileSync(marker, 'utf8').split('\n').filter(Boolean);
  rmSync(marker);
  if (process.env.SONDE_KEEP_SERVICES === '1' || started.length === 0) return;
  runServicesScript(['stop', ...started]);
}
