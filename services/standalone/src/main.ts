import 'reflect-metadata';
import { normalizeArgv, sondeProgram } from './sonde-program';

sondeProgram()
  .parseAsync(normalizeArgv(process.argv))
  .catch((err: unknown) => {
    process.stderr.write(`sonde: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
