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
  /**
   * Series by fingerprint. A Map in memory (the checkpoint writes it as a JSON object): a new
   * fingerprint stored as an object key is internalized by V8 and the object is a dictionary — the
   * single costliest line of series creation in bench/alerts' profile; a Map does neither.
   */
  series: Map<string, AlertSeries>;
  rev: number;
}

/** A new, empty `series` map. */
export function emptySeries(): Map<string, AlertSeries> {
  return new Map();
}

/**
 * The checkpoint text: byte for byte `JSON.stringify` of the state with `series` as an object
 * in insertion order (what checkpoints written before the Map hold), without building that object.
 */
export function encodeDeviceState(state: DeviceAlertState): string {
  let series = '';
  for (const [fp, s] of state.series) series += `${series === '' ? '' : ','}${JSON.stringify(fp)}:${JSON.stringify(s)}`;
  return `{"device":${JSON.stringify(state.device)},"site":${JSON.stringify(state.site)},"firstSeen":${JSON.stringify(state.firstSeen)},"lastSeen":${JSON.stringify(state.lastSeen)},"series":{${series}},"rev":${JSON.stringify(state.rev)}}`;
}

/** Parses a checkpoint; null if it is not one (a corrupt value is counted by the caller and ignored). */
export function decodeDeviceState(text: string): DeviceAlertState | null {
  try {
    const v = JSON.parse(text) as Partial<Omit<DeviceAlertState, 'series'>> & { series?: unknown };
    if (!v || typeof v !== 'object' || !v.device || typeof v.device.id !== 'string' || typeof v.series !== 'object' || v.series === null) return null;
    return {
      device: v.device,
      site: typeof v.site === 'string' ? v.site : '',
      firstSeen: typeof v.firstSeen === 'number' ? v.firstSeen : 0,
      lastSeen: v.lastSeen ?? {},
      series: new Map(Object.entries(v.series as Record<string, AlertSeries>)),
      rev: typeof v.rev === 'number' ? v.rev : 0,
    };
  } catch {
    return null;
  }
}
