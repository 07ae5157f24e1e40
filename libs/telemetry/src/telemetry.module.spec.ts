import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { HealthChecks } from './health-checks';
import { HEALTH_CHECKS, TelemetryModule } from './telemetry.module';

describe('TelemetryModule over HTTP', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    @Module({ imports: [TelemetryModule.forRoot({ service: 'probe', site: 'lab', instance: 'probe-0', config: { logLevel: 'silent' } })] })
    class AppModule {}
    app = await NestFactory.create(AppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as AddressInfo;
    base = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await app.close();
  });

  it('serves Prometheus text with the default labels and Node metrics', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const body = await res.text();
    expect(body).toMatch(/^process_cpu_user_seconds_total\{service="probe",site="lab",instance="probe-0"\} /m);
    expect(body).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });

  it('is live, and ready while every registered check is ok', async () => {
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const checks = app.get<HealthChecks>(HEALTH_CHECKS);
    checks.register('bus', async () => ({ ok: true }));
    const res = await fetch(`${base}/health/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', info: { bus: { status: 'up' } } });
  });

  it('answers 503 naming the failing check, and exports its state as a metric', async () => {
    const checks = app.get<HealthChecks>(HEALTH_CHECKS);
    checks.register('clickhouse', async () => ({ ok: false, detail: 'connection refused' }));
    const res = await fetch(`${base}/health/ready`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; error: Record<string, unknown>; info: Record<string, unknown> };
    expect(body.status).toBe('error');
    expect(body.error).toEqual({ clickhouse: { status: 'down', detail: 'connection refused' } });
    expect(Object.keys(body.info)).toEqual(['bus']);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('sonde_health_check_up{check="clickhouse",service="probe",site="lab",instance="probe-0"} 0');
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
  });
});
