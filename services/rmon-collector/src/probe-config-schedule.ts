import type { PollTarget } from '@sonde/snmp/poll/device-poller';
import type { ProbeConfigurator, ProbeSession, ReconcileResult } from './probe-configurator';

export interface ProbeConfigScheduleDeps {
  configurator: ProbeConfigurator;
  /** The probes this replica owns (the collector's targets). */
  targets: () => readonly PollTarget[];
  session: (target: PollTarget) => Promise<ProbeSession>;
  intervalMs: number;
  onResult: (result: ReconcileResult) => void;
  /** The probe could not be reached at all (no session). */
  onError: (device: string, message: string) => void;
}

/**
 * Runs probe configuration once at start and then every interval, one probe after the other
 * (writes are rare and a probe's agent is single-threaded; nothing to gain from parallel SETs).
 * A run never overlaps the previous one.
 */
export class ProbeConfigSchedule {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: ProbeConfigScheduleDeps) {}

  start(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.deps.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass over every owned probe. */
  async runOnce(): Promise<void> {
    for (const target of this.deps.targets()) {
      let session: ProbeSession;
      try {
        session = await this.deps.session(target);
      } catch (err) {
        this.deps.onError(target.device.id, err instanceof Error ? err.message : String(err));
        continue;
      }
      this.deps.onResult(await this.deps.configurator.reconcile(target.device.id, session));
    }
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.runOnce().finally(() => (this.running = undefined));
  }
}
