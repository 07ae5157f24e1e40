import { alertApi, alertApiUrl } from './alert-api-target';

interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
}

export interface AlertsOptions {
  data: string;
  url?: string;
  state?: string;
  device?: string;
  site?: string;
  json?: boolean;
}

const quote = (v: string) => JSON.stringify(v);

/** `sonde alerts`: the firing alerts (GET /api/v2/alerts), filtered by state, device and site. */
export async function runAlerts(options: AlertsOptions): Promise<number> {
  if (options.state !== undefined && !['active', 'suppressed'].includes(options.state)) {
    process.stderr.write(`sonde alerts: --state must be active or suppressed, not ${options.state}\n`);
    return 2;
  }
  const base = alertApiUrl('alerts', options);
  if (!base) return 1;
  const params = new URLSearchParams();
  if (options.device) params.append('filter', `device=${quote(options.device)}`);
  if (options.site) params.append('filter', `site=${quote(options.site)}`);
  const res = await alertApi<ApiAlert[]>('alerts', `${base}/api/v2/alerts?${params.toString()}`, 'GET');
  if (!res.ok) return 1;
  const shown = (res.value ?? []).filter((a) => options.state === undefined || a.status.state === options.state);
  if (options.json) {
    for (const a of shown) process.stdout.write(`${JSON.stringify(a)}\n`);
    return 0;
  }
  if (shown.length === 0) {
    process.stdout.write('no alerts\n');
    return 0;
  }
  const rows = shown.map((a) => [
    a.labels.alertname ?? '',
    a.labels.device ?? '',
    a.labels.site ?? '',
    a.labels.severity ?? '',
    a.status.state + (a.status.silencedBy.length > 0 ? ' (silenced)' : a.status.inhibitedBy.length > 0 ? ' (inhibited)' : ''),
    a.startsAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    a.annotations.summary ?? '',
  ]);
  const header = ['ALERT', 'DEVICE', 'SITE', 'SEVERITY', 'STATE', 'SINCE', 'SUMMARY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const r of [header, ...rows]) process.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}\n`);
  return 0;
}
