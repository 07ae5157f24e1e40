import { HealthChecks } from './health-checks';

describe('HealthChecks', () => {
  it('runs every registered check and reports each by name', async () => {
    const checks = new HealthChecks();
    checks.register('kafka', async () => ({ ok: true }));
    checks.register('spool', async () => ({ ok: false, detail: 'spool full (10000/10000)' }));
    expect(await checks.run()).toEqual([
      { name: 'kafka', ok: true },
      { name: 'spool', ok: false, detail: 'spool full (10000/10000)' },
    ]);
  });

  it('turns a throwing check into a failure carrying the message', async () => {
    const checks = new HealthChecks();
    checks.register('redis', async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    });
    expect(await checks.run()).toEqual([{ name: 'redis', ok: false, detail: 'connect ECONNREFUSED 127.0.0.1:6379' }]);
  });

  it('fails a check that never answers instead of hanging the probe', async () => {
    const checks = new HealthChecks(20);
    checks.register('hung', () => new Promise(() => undefined));
    expect(await checks.run()).toEqual([{ name: 'hung', ok: false, detail: 'no answer within 20 ms' }]);
  });

  it('refuses a duplicate name and forgets an unregistered check', async () => {
    const checks = new HealthChecks();
    checks.register('a', async () => ({ ok: true }));
    expect(() => checks.register('a', async () => ({ ok: true }))).toThrow('health check "a" is already registered');
    checks.unregister('a');
    expect(checks.names()).toEqual([]);
    expect(await checks.run()).toEqual([]);
  });
});
