import { timeTicksSince } from './lab-counters';
import type { LabTrapsConfig, LabSyslogConfig } from './lab.config';
import type { LabAgent } from './lab-agent';
import { SyslogEmitter } from './syslog-emitter';
import { syslogMix } from './syslog-lines';
import { TrapEmitter } from './trap-emitter';
import type { UsmUser } from './usm-user';

/**
 * The lab's unsolicited traffic: notifications and syslog at the configured rates, from the
 * devices in turn. One timer per kind for the whole lab; a device's emitter (its socket) is
 * opened the first time the device sends, from the device's own address.
 */

export interface LabTrafficDevice {
  agent: LabAgent;
  community: string;
  v3User: UsmUser;
}

export interface LabTrafficErrors {
  traps: number;
  syslog: number;
  lastError?: string;
}

function splitTarget(target: string): { host: string; port: number } {
  const i = target.lastIndexOf(':');
  return { host: target.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(target.slice(i + 1)) };
}

export class LabTraffic {
  readonly errors: LabTrafficErrors = { traps: 0, syslog: 0 };
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly trapEmitters = new Map<string, TrapEmitter>();
  private readonly syslogEmitters = new Map<string, Promise<SyslogEmitter>>();

  constructor(
    private readonly devices: readonly LabTrafficDevice[],
    private readonly clock: () => number = Date.now,
  ) {}

  startTraps(config: LabTrapsConfig): void {
    if (this.devices.length === 0) return;
    const { host, port } = splitTarget(config.target);
    let n = 0;
    this.every(config.perMinute, () => {
      const d = this.devices[n % this.devices.length] as LabTrafficDevice;
      const name = config.notifications[n % config.notifications.length] as string;
      const spec = d.agent.device.spec;
      const ifIndex = (Math.floor(n / this.devices.length) % spec.interfaces) + 1;
      n++;
      const emitter = this.trapEmitter(d, host, port, config);
      const params = { ifIndex, ifDescr: spec.profile.ifDescr(ifIndex), seq: n };
      (config.inform ? emitter.inform(name, params) : emitter.trap(name, params)).catch((err: Error) => {
        this.errors.traps++;
        this.errors.lastError = err.message;
      });
    });
  }

  startSyslog(config: LabSyslogConfig): void {
    if (this.devices.length === 0) return;
    const { host, port } = splitTarget(config.target);
    let n = 0;
    this.every(config.perMinute, () => {
      const d = this.devices[n % this.devices.length] as LabTrafficDevice;
      const spec = d.agent.device.spec;
      const ifIndex = (Math.floor(n / this.devices.length) % spec.interfaces) + 1;
      const line = syslogMix(n, config.dialects, {
        nowMs: this.clock(),
        hostname: spec.name,
        address: d.agent.address,
        ifIndex,
        ifName: spec.profile.ifName(ifIndex),
      });
      n++;
      this.syslogEmitter(d, host, port, config)
        .then((e) => e.send(line.line))
        .catch((err: Error) => {
          this.errors.syslog++;
          this.errors.lastError = err.message;
        });
    });
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    for (const e of this.trapEmitters.values()) e.close();
    this.trapEmitters.clear();
    const syslog = [...this.syslogEmitters.values()];
    this.syslogEmitters.clear();
    await Promise.all(syslog.map((p) => p.then((e) => e.close()).catch(() => undefined)));
  }

  private every(perMinute: number, tick: () => void): void {
    const t = setInterval(tick, Math.max(1, Math.round(60_000 / perMinute)));
    t.unref();
    this.timers.push(t);
  }

  private trapEmitter(d: LabTrafficDevice, host: string, port: number, config: LabTrapsConfig): TrapEmitter {
    const id = d.agent.device.spec.id;
    let e = this.trapEmitters.get(id);
    if (!e) {
      e = new TrapEmitter({
        host,
        port,
        version: config.version,
        community: d.community,
        user: d.v3User,
        engineId: d.agent.engineId,
        sourceAddress: d.agent.address,
        uptime: () => {
          const now = this.clock();
          return timeTicksSince(d.agent.device.bootAtMs(now), now);
        },
      });
      this.trapEmitters.set(id, e);
    }
    return e;
  }

  private syslogEmitter(d: LabTrafficDevice, host: string, port: number, config: LabSyslogConfig): Promise<SyslogEmitter> {
    const id = d.agent.device.spec.id;
    let e = this.syslogEmitters.get(id);
    if (!e) {
      e = SyslogEmitter.connect({ host, port, transport: config.transport, framing: config.framing, sourceAddress: d.agent.address });
      // a failed connection is retried on the device's next turn
      e.catch(() => this.syslogEmitters.delete(id));
      this.syslogEmitters.set(id, e);
    }
    return e;
  }
}
