import type { KindRate } from './event-rate-tracker';

export interface StatusView {
  startedAt: number;
  now: number;
  site: string;
  rates: KindRate[];
  stored: number;
  drops: { what: string; count: number }[];
  activeAlerts: { name: string; device: string; since: number; muted?: boolean }[];
  /** Devices polled, by SNMP version and security level in use (from the poller's gauge). */
  snmpVersions: { version: string; securityLevel: string; devices: number }[];
  /** RMON probes by the groups they offer and HC-RMON (from the rmon-collector's gauge). */
  rmonProbes?: { groups: string; highCapacity: boolean; probes: number }[];
  notes: string[];
  /** The last notifications the alert engine sent (its `log` notifier's feed), newest last. */
  notifications?: { at: number; receiver: string; title: string }[];
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function padLeft(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}

/** The one-screen status of `sonde up`: plain text, redrawn in place on a TTY. */
export function renderStatus(view: StatusView): string {
  const lines: string[] = [];
  lines.push(`Sonde — site ${view.site} — up ${formatDuration(view.now - view.startedAt)}   (Ctrl-C to stop)`);
  lines.push('');
  lines.push(`${pad('kind', 16)}${padLeft('events/s', 10)}${padLeft('total', 12)}`);
  for (const r of view.rates) {
    lines.push(`${pad(r.kind, 16)}${padLeft(r.perSecond.toFixed(1), 10)}${padLeft(String(r.total), 12)}`);
  }
  const total = view.rates.reduce((s, r) => s + r.total, 0);
  lines.push(`${pad('all', 16)}${padLeft(view.rates.reduce((s, r) => s + r.perSecond, 0).toFixed(1), 10)}${padLeft(String(total), 12)}`);
  lines.push(`stored rows (events): ${view.stored}`);
  lines.push('');
  const drops = view.drops.filter((d) => d.count > 0);
  lines.push(drops.length === 0 ? 'drops: none' : `drops: ${drops.map((d) => `${d.what}=${d.count}`).join('  ')}`);
  const versions = view.snmpVersions.filter((v) => v.devices > 0);
  lines.push(
    versions.length === 0
      ? 'snmp versions: no device polled yet'
      : `snmp versions: ${versions.map((v) => `${v.version}/${v.securityLevel}=${v.devices}`).join('  ')}`,
  );
  const probes = (view.rmonProbes ?? []).filter((p) => p.probes > 0);
  lines.push(
    probes.length === 0
      ? 'rmon probes: none read yet'
      : `rmon probes: ${probes.map((p) => `${p.groups}${p.highCapacity ? ' (HC)' : ' (32-bit)'}=${p.probes}`).join('  ')}`,
  );
  lines.push(view.activeAlerts.length === 0 ? 'active alerts: none' : `active alerts: ${view.activeAlerts.length}`);
  for (const a of view.activeAlerts.slice(0, 10)) {
    lines.push(`  ${a.name} on ${a.device} for ${formatDuration(view.now - a.since)}${a.muted ? ' (muted: inhibited)' : ''}`);
  }
  const sent = view.notifications ?? [];
  if (sent.length > 0) lines.push('last notifications:');
  for (const n of sent.slice(-5)) lines.push(`  ${new Date(n.at).toISOString().slice(11, 19)}  ${n.receiver}  ${n.title}`);
  for (const n of view.notes) lines.push(n);
  return lines.join('\n');
}
