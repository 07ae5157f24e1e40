import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The `telemetry:` section of the config file. Every field has a default, so an empty (or
 * missing) section is valid. The HTTP listener serves /metrics and /health/*; it binds to
 * loopback unless told otherwise (in Kubernetes set `host: 0.0.0.0` so the kubelet and
 * Prometheus can reach it).
 */
export const telemetryConfigSchema = z
  .object({
    http: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(9464),
      })
      .strict()
      .prefault({}),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    /** Overrides the service name the code passes (e.g. to tell two deployments apart). */
    service: z.string().min(1).optional(),
    /** Overrides the top-level `instance` for metric labels and log bindings. */
    instance: z.string().min(1).optional(),
    /** Extra pino redaction paths, added to the built-in list (see telemetry-logger.ts). */
    redactPaths: z.array(z.string().min(1)).default([]),
    /** Node.js process metrics (event loop lag, heap, GC, fds). */
    defaultMetrics: z.boolean().default(true),
  })
  .strict();

export type TelemetryConfig = z.infer<typeof telemetryConfigSchema>;
export type TelemetryConfigInput = z.input<typeof telemetryConfigSchema>;
export type LogLevel = (typeof LOG_LEVELS)[number];
