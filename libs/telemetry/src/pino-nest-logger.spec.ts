import { PinoNestLogger } from './pino-nest-logger';
import { createLogger } from './telemetry-logger';

describe('PinoNestLogger', () => {
  it("turns Nest's (message, context) and (message, stack, context) calls into JSON lines", () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ service: 's', site: 'x', instance: 'i' }, { destination: { write: (s: string) => void lines.push(JSON.parse(s)) } });
    const nest = new PinoNestLogger(logger);
    nest.log('Mapped {/metrics, GET} route', 'RouterExplorer');
    nest.error('boom', 'Error: boom\n    at x', 'ExceptionsHandler');
    expect(lines[0]).toMatchObject({ level: 'info', component: 'nest', context: 'RouterExplorer', msg: 'Mapped {/metrics, GET} route' });
    expect(lines[1]).toMatchObject({ level: 'error', context: 'ExceptionsHandler', stack: 'Error: boom\n    at x', msg: 'boom' });
  });
});
