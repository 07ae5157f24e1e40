import { counter64Bytes } from './lab-counters';
import { LabError } from './lab-error';
import { netSnmp, type NetSnmpSession, type NetSnmpVarbind } from './net-snmp-api';
import { buildNotification, type Notification, type NotificationParams, type NotificationVarbind } from './trap-catalog';
import { toNetSnmpUser } from './net-snmp-user';
import type { UsmUser } from './usm-user';

/**
 * Sends the lab's notifications (trap-catalog.ts) to a receiver with net-snmp: SNMPv1 traps,
 * SNMPv2c traps and informs, SNMPv3 traps and informs (the emitter is the authoritative engine
 * of its traps, RFC 3414 §1.5.1, with its own engine id).
 */

export interface TrapEmitterOptions {
  host: string;
  port: number;
  version: 'v1' | 'v2c' | 'v3';
  community?: string;
  /** v3 only. */
  user?: UsmUser;
  /** v3 snmpEngineID (hex) of the sender; one per simulated device so receivers can tell them apart. */
  engineId?: string;
  /** Send from this local address (a lab device's own loopback address). */
  sourceAddress?: string;
  /** v1 agent-addr. */
  agentAddress?: string;
  /** sysUpTime.0 in the notification (hundredths of a second); default: since the emitter was created. */
  uptime?: () => number;
  /** Inform retries and timeout (ms). */
  retries?: number;
  timeoutMs?: number;
}

export interface TrapScheduleOptions {
  /** Notifications per minute. */
  perMinute: number;
  /** Sent in turn. */
  notifications: readonly string[];
  inform?: boolean;
  /** Parameters of the n-th notification (0-based); default: interfaces 1–4 in turn. */
  params?: (n: number) => NotificationParams;
  /** Called with each failure (an inform not acknowledged): the schedule keeps going. */
  onError?: (error: Error) => void;
}

const VALUE_TYPE: Readonly<Record<NotificationVarbind['type'], number>> = {
  Integer: 2, OctetString: 4, OID: 6, IpAddress: 64, Counter32: 65, Gauge32: 66, TimeTicks: 67, Counter64: 70,
};

function toVarbind(vb: NotificationVarbind): NetSnmpVarbind {
  return { oid: vb.oid, type: VALUE_TYPE[vb.type], value: vb.type === 'Counter64' ? counter64Bytes(vb.value) : vb.value };
}

export class TrapEmitter {
  private readonly session: NetSnmpSession;
  private readonly createdAt = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private sent = 0;

  constructor(private readonly options: TrapEmitterOptions) {
    const common = {
      port: options.port,
      trapPort: options.port,
      retries: options.retries ?? 1,
      timeout: options.timeoutMs ?? 2000,
      transport: options.host.includes(':') ? 'udp6' : 'udp4',
      ...(options.sourceAddress ? { sourceAddress: options.sourceAddress } : {}),
    };
    if (options.version === 'v3') {
      if (!options.user) throw new LabError('config', 'trap emitter: SNMPv3 needs a user', { path: 'lab.traps' });
      this.session = netSnmp.createV3Session(options.host, toNetSnmpUser(options.user), {
        ...common,
        version: netSnmp.Version3,
        ...(options.engineId ? { engineID: options.engineId } : {}),
      });
    } else {
      this.session = netSnmp.createSession(options.host, options.community ?? 'public', {
        ...common,
        version: options.version === 'v1' ? netSnmp.Version1 : netSnmp.Version2c,
      });
    }
    // a failed send surfaces through the callbacks; the session's socket errors must not crash the lab
    this.session.on('error', () => undefined);
  }

  /** Notifications sent so far (traps and acknowledged informs). */
  get count(): number {
    return this.sent;
  }

  /** Sends one trap; resolves once it is handed to the socket. */
  trap(name: string, params: NotificationParams = {}): Promise<Notification> {
    const n = buildNotification(name, params);
    const varbinds = n.varbinds.map(toVarbind);
    const upTime = this.uptime();
    return new Promise((resolve, reject) => {
      const done = (error: Error | null): void => {
        if (error) reject(this.wrap(error, n));
        else {
          this.sent++;
          resolve(n);
        }
      };
      if (this.options.version === 'v1') {
        // generic traps by number; enterprise-specific as "enterprise.specific" (net-snmp splits it)
        const typeOrOid = n.v1.generic === 6 ? `${n.v1.enterprise}.${n.v1.specific}` : n.v1.generic;
        this.session.trap(typeOrOid, varbinds, { agentAddr: this.options.agentAddress ?? this.options.sourceAddress ?? '127.0.0.1', upTime }, done);
      } else {
        this.session.trap(n.trapOid, varbinds, { upTime }, done);
      }
    });
  }

  /** Sends one inform (v2c/v3); resolves when the receiver acknowledges it. */
  inform(name: string, params: NotificationParams = {}): Promise<Notification> {
    const n = buildNotification(name, params);
    if (this.options.version === 'v1') {
      return Promise.reject(new LabError('unsupported', 'informs do not exist in SNMPv1 (RFC 3584 §3)', { path: 'lab.traps.version' }));
    }
    return new Promise((resolve, reject) => {
      this.session.inform(n.trapOid, n.varbinds.map(toVarbind), { upTime: this.uptime() }, (error) => {
        if (error) reject(this.wrap(error, n));
        else {
          this.sent++;
          resolve(n);
        }
      });
    });
  }

  /** Sends notifications at a steady rate on one timer until stop()/close(). */
  startSchedule(schedule: TrapScheduleOptions): void {
    this.stop();
    const intervalMs = Math.max(1, Math.round(60_000 / schedule.perMinute));
    let n = 0;
    this.timer = setInterval(() => {
      const name = schedule.notifications[n % schedule.notifications.length] as string;
      const params = schedule.params?.(n) ?? { ifIndex: (n % 4) + 1, seq: n + 1 };
      n++;
      const p = schedule.inform ? this.inform(name, params) : this.trap(name, params);
      p.catch((err: Error) => schedule.onError?.(err));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.stop();
    this.session.close();
  }

  private uptime(): number {
    return this.options.uptime ? this.options.uptime() : Math.floor((Date.now() - this.createdAt) / 10) % 0x1_0000_0000;
  }

  private wrap(error: Error, n: Notification): LabError {
    const timeout = error.name === 'RequestTimedOutError';
    return new LabError(timeout ? 'timeout' : 'unavailable', `${n.name} to ${this.options.host}:${this.options.port}: ${error.message}`, {
      notification: n.name,
      target: `${this.options.host}:${this.options.port}`,
    }, { cause: error });
  }
}
