import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { NotifyError } from './notifier';
import type { OutboundGuard } from './outbound-guard';

export interface HttpPost {
  url: string;
  body: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
  /** PEM CA for self-signed receivers in tests and private PKI. */
  ca?: string;
}

export interface HttpResult {
  status: number;
  body: string;
}

/**
 * POSTs for every HTTP notifier, through one guard: the URL host is checked, and the DNS
 * answer is checked in the socket's own lookup, so the address connected to is the one
 * checked. 2xx resolves; 429/5xx and network errors are retryable NotifyErrors; other
 * statuses are not.
 */
export class OutboundHttp {
  constructor(private readonly guard: OutboundGuard) {}

  async post(req: HttpPost): Promise<HttpResult> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      throw new NotifyError('config', 'invalid notifier URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new NotifyError('config', `unsupported URL scheme ${url.protocol}`, { host: url.hostname });
    const refused = this.guard.hostRefused(url.hostname);
    if (refused) throw new NotifyError('auth', `destination ${url.hostname} refused: ${refused} (allow it in alertEngine.notify.outbound.allowHosts)`, { host: url.hostname });
    const guard = this.guard;
    const lookup: LookupFunction = (hostname, options, callback) => {
      dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
        if (err) return callback(err, '', 0);
        for (const a of addresses) {
          const why = guard.addressRefused(hostname, a.address);
          if (why) return callback(new NotifyError('auth', `destination ${hostname} resolves to ${a.address}: ${why}`, { host: hostname }), '', 0);
        }
        if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        const first = addresses[0];
        if (!first) return callback(new NotifyError('unavailable', `no address for ${hostname}`), '', 0);
        callback(null, first.address, first.family);
      });
    };
    const mod = url.protocol === 'https:' ? https : http;
    const body = Buffer.from(req.body);
    return await new Promise<HttpResult>((resolve, reject) => {
      const r = mod.request(
        url,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(body.length), 'user-agent': 'sonde-alert-engine', ...req.headers },
          timeout: req.timeoutMs,
          signal: req.signal,
          lookup,
          agent: false,
          ...(req.ca ? { ca: req.ca } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(new NotifyError('unavailable', `reading the response of ${url.host} failed: ${e.message}`, { host: url.host })));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8').slice(0, 2000);
            if (status >= 200 && status < 300) return resolve({ status, body: text });
            const code = status === 429 ? 'overloaded' : status >= 500 ? 'unavailable' : status === 401 || status === 403 ? 'auth' : 'malformed';
            reject(new NotifyError(code, `${url.host} answered ${status}: ${text.slice(0, 200)}`, { host: url.host, status }));
          });
        },
      );
      r.on('timeout', () => r.destroy(new NotifyError('timeout', `${url.host} did not answer within ${req.timeoutMs} ms`, { host: url.host })));
      r.on('error', (e) => reject(e instanceof NotifyError ? e : new NotifyError('unavailable', `${url.host}: ${e.message}`, { host: url.host }, { cause: e })));
      r.end(body);
    });
  }
}
