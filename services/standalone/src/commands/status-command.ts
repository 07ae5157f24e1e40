import { renderStatus, type StatusView } from '../status/render-status';
import { locateStore } from '../store-locator';

/** `sonde status`: the status screen of the running `sonde up` (found whatever its folder and port), printed once. */
export async function runStatus(options: { data?: string; registry?: string; waitMs?: number }): Promise<number> {
  const fail = (message: string) => {
    process.stderr.write(`sonde status: ${message}\n`);
    return 1;
  };
  const where = await locateStore(options.data, { ...(options.registry ? { registry: options.registry } : {}), ...(options.waitMs !== undefined ? { waitMs: options.waitMs } : {}) });
  if (where.kind === 'error') return fail(where.message);
  if (where.kind === 'folder') return fail(`no running \`sonde up\` for data folder ${where.dataDir}${where.note ? ` — ${where.note}` : ''}`);
  if (where.note) process.stderr.write(`sonde status: ${where.note}\n`);
  const { url, pid, dataDir } = where.instance;
  let res: Response;
  try {
    res = await fetch(`${url}/api/status`);
  } catch (err) {
    return fail(`the \`sonde up\` of ${dataDir} (pid ${pid}) did not answer at ${url}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!res.ok) return fail(`${url} answered ${res.status}`);
  process.stdout.write(`${renderStatus((await res.json()) as StatusView)}\n`);
  return 0;
}
