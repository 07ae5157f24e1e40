import { createLogger } from './telemetry-logger';

function collect() {
  const lines: Record<string, unknown>[] = [];
  return { lines, destination: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) } };
}

describe('createLogger', () => {
  const identity = { service: 'trap-receiver', site: 'par1', instance: 'trap-0' };

  it('writes JSON lines bound to service, site and instance with a textual level', () => {
    const { lines, destination } = collect();
    createLogger(identity, { destination }).child({ component: 'listener' }).info({ port: 162 }, 'listening');
    expect(lines[0]).toMatchObject({ level: 'info', service: 'trap-receiver', site: 'par1', instance: 'trap-0', component: 'listener', port: 162, msg: 'listening' });
    expect(typeof lines[0]?.time).toBe('number');
  });

  it('redacts secret fields at the top level and nested, plus configured paths', () => {
    const { lines, destination } = collect();
    const logger = createLogger(identity, { destination, redactPaths: ['target.url'] });
    logger.warn(
      { community: 'public', snmp: { authKey: 'k1', privKey: 'k2' }, device: { credential: { password: 'pw' } }, target: { url: 'https://x/?t=1' } },
      'auth failed',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['public', 'k1', 'k2', '"pw"', 'https://x']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ community: '[redacted]', snmp: { authKey: '[redacted]' }, target: { url: '[redacted]' } });
  });

  it('honours the level', () => {
    const { lines, destination } = collect();
    const logger = createLogger(identity, { destination, level: 'warn' });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((l) => l.msg)).toEqual(['shown']);
  });
});
