import { readFileSync } from 'node:fs';

/**
 * Datagrams the kernel dropped on UDP sockets bound to `ports` (receive buffer full), summed
 * from the `drops` column of /proc/net/udp and /proc/net/udp6 (Linux). 0 where unavailable.
 * Read at scrape time only, never per datagram.
 */
export function readUdpKernelDrops(ports: ReadonlySet<number>, files = ['/proc/net/udp', '/proc/net/udp6']): number {
  let drops = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      const d = cols[12];
      if (!local || d === undefined) continue;
      const port = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
      if (ports.has(port)) drops += Number(d) || 0;
    }
  }
  return drops;
}
