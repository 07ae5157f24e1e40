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
 * and resolved alerts. A flapping series (ADR 0003) sends exactly two: `flapping-start` is
 * notified as firing (whatever the lifecycle state, which the evaluator keeps quiet while it
 * flaps) and `flapping-stop` with the state it settled in, a pending one counting as resolved;
 * the `flapping` annotation says `started` / `stopped`.
 */
export function alertFromTransition(e: AlertTransitionEvent, externalURL: string): NotifyAlert | null {
  const p = e.payload;
  const flap = p.transition === 'flapping-start' ? 'started' : p.transition === 'flapping-stop' ? 'stopped' : undefined;
  if (flap === undefined && (p.state === 'pending' || p.transition === 'cancelled' || p.transition === 'pending')) return null;
  const annotations = { ...(p.annotations ?? {}) };
  if (annotations.summary === undefined && p.summary !== '') annotations.summary = p.summary;
  if (flap !== undefined) annotations.flapping = flap;
  const status = flap === 'started' || p.state === 'firing' ? 'firing' : 'resolved';
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
    flapping: flap === 'started' || (flap === undefined && (p.flapping ?? false)),
    updatedAt: e.ts,
  };
}
