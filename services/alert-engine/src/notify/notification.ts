import type { NotifyAlert } from './notify-alert';

/** What one flush of one aggregation group sends to one receiver (Alertmanager's template data). */
export interface Notification {
  receiver: string;
  groupKey: string;
  /** `firing` while any alert of the group fires. */
  status: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: NotifyAlert[];
  /**
   * Same notification, same key: derived from the group key and the transitions it carries, so a
   * redelivery on another replica sends the same key and a receiver can drop a repeat.
   */
  idempotencyKey: string;
}

export function firingCount(n: Notification): number {
  let c = 0;
  for (const a of n.alerts) if (a.status === 'firing') c++;
  return c;
}

/** Labels (or annotations) that every alert shares with the same value. */
export function commonOf(maps: readonly Record<string, string>[]): Record<string, string> {
  if (maps.length === 0) return {};
  const [first, ...rest] = maps;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first ?? {})) if (rest.every((m) => m[k] === v)) out[k] = v;
  return out;
}
