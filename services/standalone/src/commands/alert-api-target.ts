import path from 'node:path';
import { readInstanceFile } from '../instance-file';

/**
 * Where `sonde alerts` and `sonde silence` send their requests: `--url` (a deployed
 * alert-engine, any replica) or the running `sonde up` of the data folder.
 */
export function alertApiUrl(command: string, options: { url?: string; data: string }): string | undefined {
  if (options.url) return options.url.replace(/\/+$/, '');
  const running = readInstanceFile(path.resolve(options.data));
  if (!running) {
    process.stderr.write(`sonde ${command}: no running \`sonde up\` for data folder ${path.resolve(options.data)} (or pass --url http://alert-engine:9464)\n`);
    return undefined;
  }
  return running.url;
}

/** GET/POST/DELETE against the Alertmanager v2 API; on failure prints why and returns `{ ok: false }`. */
export async function alertApi<T>(command: string, url: string, method: 'GET' | 'POST' | 'DELETE', body?: unknown): Promise<{ ok: true; value: T | undefined } | { ok: false }> {
  let res: Response;
  try {
    res = await fetch(url, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  } catch (err) {
    process.stderr.write(`sonde ${command}: cannot reach ${url}: ${(err as Error).message}\n`);
    return { ok: false };
  }
  const text = await res.text();
  if (!res.ok) {
    process.stderr.write(`sonde ${command}: ${url} answered ${res.status}: ${text}\n`);
    return { ok: false };
  }
  return { ok: true, value: (text === '' ? undefined : JSON.parse(text)) as T | undefined };
}
