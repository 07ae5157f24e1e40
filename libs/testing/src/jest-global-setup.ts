import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { knownServices, runServicesScript, servicesDir } from './real-services';

/**
 * Starts the real Kafka, ClickHouse and Redis (those not running yet) before integration
 * tests. SONDE_TEST_SERVICES=kafka,redis limits which; `none` starts nothing.
 */
export default async function globalSetup(): Promise<void> {
  const wanted = process.env.SONDE_TEST_SERVICES;
  const names = wanted === undefined || wanted === '' ? knownServices() : wanted === 'none' ? [] : wanted.split(',');
  const status = names.length ? runServicesScript(['status', ...names]) : '';
  const toStart = names.filter((n) => !status.includes(`${n}: running`));
  if (toStart.length) runServicesScript(['start', ...toStart]);
  writeFileSync(path.join(servicesDir(), 'started-by-jest'), toStart.join('\n'));
}
