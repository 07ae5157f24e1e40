import type { NotifyAlert } from './notify-alert';

/** The fields of an alert.state payload (ADR 0002) the notification stage reads. */
export interface AlertTransitionPayload {
  ruleId: string;
  state: 'pending' | 'firing' | 'resolved';
  fingerprint: string;
  since: number;
  summary: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: number;
  endsAt?: number;
  inhibitedBy?: string[];
  flapping?: boolean;
  transition?: string;
  transitionId?: string;
}

export interface AlertTransitionEvent {
  id: string;
  ts: number;
  payload: AlertTransitionPayload;
}

/** The sequence number of `<fingerprint>:<sequence>`, or null if the id has none. */
export function transitionSequence(transitionId: string): number | null {
  const i = transitionId.lastIndexOf(':');
  const n = i >= 0 ? Number(transitionId.slice(i + 1)) : NaN;
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * The alert a transition leaves behind, or null for what is never notified: `pending` (not yet
 * past `for:`) and `cancelled` (cleared before `for:`), as Alertmanager only ever sees firing
 * and resolved alerts.
 */
export function alertFromTransition(e: AlertTransitionEvent, externalURL: string): NotifyAlert | null {
  const p = e.payload;
  if (p.state === 'pending' || p.transition === 'cancelled' || p.transition === 'pending') return null;
  const annotations = { ...(p.annotations ?? {}) };
  if (annotations.summary === undefined && p.summary !== '') annotations.summary = p.summary;
  const status = p.state === 'resolved' ? 'resolved' : 'firing';
  return {
    fingerprint: p.fingerprint,
    status,
    labels: p.labels,
    annotations,
    startsAt: p.startsAt ?? p.since,
    ...(status === 'resolved' ? { endsAt: p.endsAt ?? e.ts } : {}),
    generatorURL: annotations.link ?? `${externalURL.replace(/\/+$/, '')}/api/v2/alerts?filter=${encodeURIComponent(`rule="${p.ruleId}"`)}`,
    // Without a transition id (older producers) the event id is unique per transition too.
    transitionId: p.transitionId ?? `${p.fingerprint}:${e.id}`,
    inhibitedBy: p.inhibitedBy ?? [],
    flapping: p.flapping ?? false,
    updatedAt: e.ts,
  };
}
