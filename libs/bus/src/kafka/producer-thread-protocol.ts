import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { BusConfig } from '../bus.config';
import type { BusHealth } from '../event-bus';

/**
 * Messages between a ThreadedKafkaBus (the caller's thread) and its producer thread
 * (producer-thread.ts), by structured clone. A publish carries its records' values in one
 * transferred ArrayBuffer (no copy across threads), cut by `ends`.
 */
export interface ProducerThreadData {
  config: BusConfig;
}

export type ToProducerThread =
  | { type: 'publish'; id: number; values: ArrayBuffer; ends: Uint32Array; keys: string[]; topics: string[]; bytes: number }
  | { type: 'ensure-topics'; id: number }
  | { type: 'close' };

/** A BusError (or any error) rebuilt on the caller's thread with its code and context. */
export interface ThreadError {
  name: string;
  message: string;
  code?: string;
  context?: Record<string, unknown>;
}

export type FromProducerThread =
  | { type: 'ready'; health: BusHealth; spooled: number }
  | { type: 'start-error'; error: ThreadError }
  | { type: 'settled'; id: number; error?: ThreadError }
  | { type: 'health'; health: BusHealth; spooled: number }
  | { type: 'metrics'; metrics: MetricObjectWithValues<MetricValue<string>>[] }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; obj: object; msg: string }
  | { type: 'closed' };
