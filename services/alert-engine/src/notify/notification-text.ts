import { firingCount, type Notification } from './notification';

/**
 * Alertmanager's default title (`[FIRING:3] LinkDown (r1 paris)`): status, how many alerts,
 * the group labels. The count is what a grouped notification must state.
 */
export function notificationTitle(n: Notification): string {
  const firing = firingCount(n);
  const resolved = n.alerts.length - firing;
  const head = firing > 0 ? `[FIRING:${firing}${resolved > 0 ? `, RESOLVED:${resolved}` : ''}]` : `[RESOLVED:${resolved}]`;
  const values = Object.values(n.groupLabels);
  const name = n.commonLabels.alertname ?? n.groupLabels.alertname ?? 'alerts';
  const rest = values.filter((v) => v !== name);
  return `${head} ${name}${rest.length > 0 ? ` (${rest.join(' ')})` : ''}`;
}

export function alertLine(a: Notification['alerts'][number]): string {
  const who = a.labels.device ?? a.labels.instance ?? '';
  const summary = a.annotations.summary ?? a.annotations.description ?? a.labels.alertname ?? a.fingerprint;
  return `${a.status === 'firing' ? (a.flapping ? 'FLAPPING' : 'FIRING') : 'RESOLVED'} ${who ? `${who}: ` : ''}${summary}`;
}

/** Plain-text body: one line per alert, capped so a 1 000-alert group stays readable. */
export function notificationBody(n: Notification, maxLines = 50): string {
  const lines = n.alerts.slice(0, maxLines).map(alertLine);
  if (n.alerts.length > maxLines) lines.push(`… and ${n.alerts.length - maxLines} more`);
  return lines.join('\n');
}
