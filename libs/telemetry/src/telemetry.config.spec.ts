import { telemetryConfigSchema } from './telemetry.config';

describe('telemetry config', () => {
  it('defaults everything from an empty section', () => {
    expect(telemetryConfigSchema.parse({})).toEqual({
      http: { host: '127.0.0.1', port: 9464 },
      logLevel: 'info',
      redactPaths: [],
      defaultMetrics: true,
    });
  });

  it('names a bad field', () => {
    const r = telemetryConfigSchema.safeParse({ http: { port: 70000 }, logLevel: 'loud' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['http.port', 'logLevel']);
  });
});
