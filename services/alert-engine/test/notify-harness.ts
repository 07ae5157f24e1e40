import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Inventory } from '@sonde/inventory/inventory';
import { loadConfig } from '@sonde/inventory/load-config';
import type { StateStore } from '@sonde/state/state-store';
import { Registry } from 'prom-client';
import type { AlertTransitionEvent } from '../src/notify/alert-from-transition';
import { notifyConfigSchema } from '../src/notify/notify.config';
import { NotifyStage } from '../src/notify/notify-stage';

/** One request a test receiver got. */
export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on a free loopback port; `status` decides what it answers. */
export class TestReceiver {
  readonly received: Received[] = [];
  status = 200;
  private server: http.Server | null = null;
  port = 0;

  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.status >= 200 && this.status < 300) this.received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(this.status).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()).closeAllConnections());
  }
}

/** A throwaway self-signed certificate for 127.0.0.1/localhost (openssl), for STARTTLS peers. */
export function selfSignedCert(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sonde-cert-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  return { key: readFileSync(`${dir}/key.pem`, 'utf8'), cert: readFileSync(`${dir}/cert.pem`, 'utf8') };
}

/** The notification stage from a YAML config (validated like the real file: credentials, section). */
export function stageFromYaml(yaml: string, state: StateStore, env: Record<string, string> = {}, holder = 'test'): NotifyStage {
  const config = loadConfig({ text: yaml, env, sections: { notify: notifyConfigSchema } });
  const logger = { info: () => undefined, warn: (f: Record<string, unknown>, m: string) => process.stderr.write(`${m} ${JSON.stringify(f)}\n`) };
  return new NotifyStage({ config: config.notify, state, inventory: new Inventory(config), registry: new Registry(), logger, holder });
}

let seq = 0;
export function transition(device: string, n: number, state: 'firing' | 'resolved', extra: { alertname?: string; sequence?: number } = {}): AlertTransitionEvent {
  const fingerprint = `fp-${device}-${n}`;
  const s = extra.sequence ?? ++seq;
  const ts = Date.now();
  return {
    id: `e-${fingerprint}-${s}`,
    ts,
    payload: {
      ruleId: 'link-down',
      state,
      fingerprint,
      since: ts,
      summary: `${device} ifIndex ${n} down`,
      labels: { alertname: extra.alertname ?? 'LinkDown', device, site: 'lab', ifIndex: String(n), severity: 'critical' },
      annotations: { summary: `${device} ifIndex ${n} down` },
      startsAt: ts,
      ...(state === 'resolved' ? { endsAt: ts } : {}),
      transition: state,
      transitionId: `${fingerprint}:${s}`,
    },
  };
}

/** Waits for a condition with a bound (no wall-clock assertion: the bound only stops a hang). */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
