import type { Clock } from '@sonde/telemetry/clock';

/** RFC 3414 §2.2.3: the 150-second time window. */
export const TIME_WINDOW_SECONDS = 150;
const MAX_BOOTS = 2147483647;

interface Notion {
  boots: number;
  time: number;
  /** our clock (ms) when `time` was learned */
  at: number;
}

/**
 * Our notion of each remote authoritative engine's snmpEngineBoots/Time, learned from
 * authenticated traps (RFC 3414 §3.2 step 7b, non-authoritative side). A message whose boots
 * go back, or whose time is more than 150 s behind what the engine's clock must read now, is a
 * replay. net-snmp's receiver has no such check. Only authenticated messages from configured
 * (engineId, user) pairs reach this, so the map is bounded by the config.
 */
export class EngineTimeTracker {
  private readonly notions = new Map<string, Notion>();
  constructor(
    private readonly clock: Clock,
    private readonly windowSeconds = TIME_WINDOW_SECONDS,
  ) {}

  get size(): number {
    return this.notions.size;
  }

  /** Returns undefined when in time, else the drop reason. Updates the notion when it advances. */
  check(engineId: string, boots: number, time: number): 'not-in-time-window' | undefined {
    const now = this.clock.now();
    const notion = this.notions.get(engineId);
    if (boots >= MAX_BOOTS || boots < 0 || time < 0) return 'not-in-time-window';
    if (!notion) {
      this.notions.set(engineId, { boots, time, at: now });
      return undefined;
    }
    const estimated = notion.time + Math.floor((now - notion.at) / 1000);
    if (boots < notion.boots) return 'not-in-time-window';
    if (boots === notion.boots && time < estimated - this.windowSeconds) return 'not-in-time-window';
    if (boots > notion.boots || time > estimated) this.notions.set(engineId, { boots, time, at: now });
    return undefined;
  }
}

/** Our own engine's boots/time, for informs where we are authoritative (RFC 3414 §3.2 step 7a). */
export class LocalEngine {
  private readonly startedAt: number;
  constructor(
    readonly engineId: Buffer,
    private readonly clock: Clock,
    /** not persisted: a restart reports boots 1 again and senders rediscover (documented) */
    readonly boots = 1,
  ) {
    this.startedAt = clock.now();
  }

  get time(): number {
    return Math.floor((this.clock.now() - this.startedAt) / 1000);
  }

  inWindow(boots: number, time: number): boolean {
    return boots === this.boots && Math.abs(time - this.time) <= TIME_WINDOW_SECONDS;
  }
}
