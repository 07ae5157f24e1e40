import { isIP } from 'node:net';
import { z } from 'zod';

/** Loopback hosts: the interface may run without credentials only there. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * `clickhouseHttp:` — the ClickHouse HTTP interface `sonde up` serves over its embedded chDB
 * store, so Grafana's ClickHouse plugin (protocol HTTP) and any ClickHouse client connect to a
 * laptop as to a server. Loopback and read-only by default.
 */
export const clickhouseHttpConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    host: z.string().min(1).default('127.0.0.1'),
    /** 8123 is ClickHouse's HTTP port, what Grafana's plugin and clients assume; 0 picks a free one. */
    port: z.number().int().min(0).max(65535).default(8123),
    /** POST may write and run DDL (GET never does, as in ClickHouse). Off: the store is the writer. */
    allowWrites: z.boolean().default(false),
    /** Name of a `basic` credential under `credentials:`; required when `host` is not loopback. */
    credential: z.string().min(1).optional(),
    /** A `session_id` keeps its engine session this long after its last request, ms. */
    sessionTimeoutMs: z.number().int().min(1000).default(60_000),
    /** Largest request body accepted (after decompression), bytes. */
    maxBodyBytes: z.number().int().min(1024).default(64 * 1024 * 1024),
  })
  .superRefine((c, ctx) => {
    if (c.enabled && !isLoopbackHost(c.host) && c.credential === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['credential'],
        message: `required when host is not loopback (${c.host}): name a basic credential (username/password) under credentials:`,
      });
    }
  });

export type ClickHouseHttpConfig = z.infer<typeof clickhouseHttpConfigSchema>;
