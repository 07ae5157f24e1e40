import type { EventKind } from '@sonde/events/event-kind';
import type { DeviceRef } from '@sonde/events/sonde-event';

/** Kinds of the events a series comes from; timer rules name theirs (`silence` has none). */
export type SeriesKind = EventKind | 'none';

/** One alert series (rule × device × labels) as the evaluator keeps and checkpoints it. */
export interface AlertSeries {
  fingerprint: string;
  ruleId: string;
  labels: Record<string, string>;
  kind: SeriesKind;
  state: 'inactive' | 'pending' | 'firing';
  /** Last observation: does the condition hold? */
  active: boolean;
  startsAt: number;
  since: number;
  lastActiveAt: number;
  value?: number;
  /** Consecutive active observations (poll-failing cycles). */
  streak: number;
  /** Transitions emitted so far: the next transitionId is `<fingerprint>:<seq + 1>`. */
  seq: number;
  /** Last 21 observed states, 0/1, oldest first (flap detection). */
  history: number[];
  flapping: boolean;
  inhibitedBy: string[];
  /** Window rules: times of the matching events still inside the window. */
  hits: number[];
}

/**
 * Everything the engine knows about one device: its series and when each kind was last heard.
 * Serialized whole as the device's checkpoint (`rev` grows with every save).
 */
export interface DeviceAlertState {
  device: DeviceRef;
  site: string;
  firstSeen: number;
  lastSeen: Partial<Record<EventKind, number>>;
  series: Record<string, AlertSeries>;
  rev: number;
}

/**
 * A new, empty `series` record: a dictionary from the start (null prototype). Series come and go
 * by fingerprint; an ordinary object would get a new hidden class for every fingerprint added.
 */
export function emptySeries(): Record<string, AlertSeries> {
  return Object.create(null) as Record<string, AlertSeries>;
}

export function encodeDeviceState(state: DeviceAlertState): string {
  return JSON.stringify(state);
}

/** Parses a checkpoint; null if it is not one (a corrupt value is counted by the caller and ignored). */
export function decodeDeviceState(text: string): DeviceAlertState | null {
  try {
    const v = JSON.parse(text) as Partial<DeviceAlertState>;
    if (!v || typeof v !== 'object' || !v.device || typeof v.device.id !== 'string' || typeof v.series !== 'object' || v.series === null) return null;
    return {
      device: v.device,
      site: typeof v.site === 'string' ? v.site : '',
      firstSeen: typeof v.firstSeen === 'number' ? v.firstSeen : 0,
      lastSeen: v.lastSeen ?? {},
      series: v.series,
      rev: typeof v.rev === 'number' ? v.rev : 0,
    };
  } catch {
    return null;
  }
}
