import type { Reachability } from '@sonde/events/payloads/icmp-probe';

export interface ReachabilityThresholds {
  /** Consecutive failed cycles (no reply at all) before a target is declared down. */
  downAfterCycles: number;
  /** Consecutive good cycles (at least one reply) before a down target is declared up again. */
  upAfterCycles: number;
}

export interface ReachabilityChange {
  from: Reachability;
  to: Reachability;
}

/**
 * Reachability with hysteresis for one target. A cycle is good when at least one echo reply
 * came back: loss is reported as a number, it is not an outage. A target starts `unknown`,
 * becomes `up` on its first good cycle (nothing to confirm against) and `down` after
 * `downAfterCycles` failed ones; after that, `up → down` needs `downAfterCycles` failed cycles
 * in a row and `down → up` needs `upAfterCycles` good ones in a row, so one lost cycle does
 * not page anyone and one lucky reply does not clear an outage.
 */
export class ReachabilityTracker {
  private current: Reachability = 'unknown';
  private goodStreak = 0;
  private badStreak = 0;

  constructor(private readonly thresholds: ReachabilityThresholds) {}

  get state(): Reachability {
    return this.current;
  }

  /** Records one completed cycle; returns the change it caused, if any. */
  record(good: boolean): ReachabilityChange | null {
    if (good) {
      this.goodStreak++;
      this.badStreak = 0;
    } else {
      this.badStreak++;
      this.goodStreak = 0;
    }
    const from = this.current;
    let to = from;
    if (good && from === 'unknown') to = 'up';
    else if (good && from === 'down' && this.goodStreak >= this.thresholds.upAfterCycles) to = 'up';
    else if (!good && from !== 'down' && this.badStreak >= this.thresholds.downAfterCycles) to = 'down';
    if (to === from) return null;
    this.current = to;
    return { from, to };
  }
}
