import 'reflect-metadata';
import { sondeProgram } from './sonde-program';

sondeProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`sonde: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
