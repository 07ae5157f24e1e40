import path from 'node:path';
import { readInstanceFile } from '../instance-file';
import { renderStatus, type StatusView } from '../status/render-status';

/** `sonde status`: the status screen of the running `sonde up`, printed once. */
export async function runStatus(options: { data: string }): Promise<number> {
  const running = readInstanceFile(path.resolve(options.data));
  if (!running) {
    process.stderr.write(`sonde status: no running \`sonde up\` for data folder ${path.resolve(options.data)}\n`);
    return 1;
  }
  const res = await fetch(`${running.url}/api/status`);
  if (!res.ok) {
    process.stderr.write(`sonde status: ${running.url} answered ${res.status}\n`);
    return 1;
  }
  process.stdout.write(`${renderStatus((await res.json()) as StatusView)}\n`);
  return 0;
}
