import { createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import snmp, { type Session as NetSnmpSession, type SessionOptions } from 'net-snmp';
import { RequestLimiter } from './request-limiter';
import { installDesFallback } from './des-privacy';
import { SharedUdpTransport, type SharedUdpTransportStats } from './shared-udp-transport';
import { revealSecret, type SnmpTarget } from './snmp-credential';
import { SnmpError } from './snmp-error';
import { SnmpSession } from './snmp-session';
import { toUsmUser } from './net-snmp-usm-user';

export interface SnmpSessionPoolOptions {
  /** Real UDP sockets per address family shared by all sessions (0 = one socket per session, net-snmp's default). */
  sharedSockets: number;
  recvBufferBytes: number;
  /**
   * Sessions kept open: beyond this, sessions idle for `evictIdleMs` are closed, least recently
   * used first. A soft bound: a session handed out or used recently is never closed under its
   * caller. v3 sessions cache engine discovery, so evicting them costs a rediscovery.
   */
  maxOpenSessions: number;
  evictIdleMs?: number;
  perDeviceConcurrency: number;
  overallConcurrency: number;
  /**
   * Opens the net-snmp session behind each SnmpSession; default net-snmp's createSession /
   * createV3Session. The seam for unit specs: a stub agent in place of the socket (the
   * collector contract of the poll engine), everything above it real.
   */
  openSession?: OpenNetSnmpSession;
}

/** How the pool opens one agent's net-snmp session (the address already resolved to `ip`). */
export type OpenNetSnmpSession = (target: SnmpTarget, ip: string, options: SessionOptions) => NetSnmpSession;

export const DEFAULT_SESSION_POOL_OPTIONS: SnmpSessionPoolOptions = {
  sharedSockets: 4,
  recvBufferBytes: 4 * 1024 * 1024,
  maxOpenSessions: 20_000,
  perDeviceConcurrency: 2,
  overallConcurrency: 256,
};

/**
 * Opens and caches one SnmpSession per (device, address, port, credential). All sessions send
 * through a SharedUdpTransport, so open sessions cost memory, not file descriptors; the LRU
 * bound caps that memory. Replacing a credential (new fingerprint) opens a new session.
 */
export class SnmpSessionPool {
  readonly limiter: RequestLimiter;
  private readonly transport: SharedUdpTransport | undefined;
  private readonly sessions = new Map<string, Promise<SnmpSession>>();
  private opened = 0;
  private evicted = 0;

  constructor(readonly options: SnmpSessionPoolOptions = DEFAULT_SESSION_POOL_OPTIONS) {
    installDesFallback();
    this.limiter = new RequestLimiter(options.perDeviceConcurrency, options.overallConcurrency);
    this.transport = options.sharedSockets > 0
      ? new SharedUdpTransport({ sockets: options.sharedSockets, recvBufferBytes: options.recvBufferBytes })
      : undefined;
  }

  async session(target: SnmpTarget): Promise<SnmpSession> {
    const key = sessionKey(target);
    let pending = this.sessions.get(key);
    if (pending) {
      // LRU: move to the end
      this.sessions.delete(key);
      this.sessions.set(key, pending);
      return pending.then((s) => {
        s.lastUsed = Date.now();
        return s;
      });
    }
    pending = this.open(target);
    this.sessions.set(key, pending);
    pending.catch(() => this.sessions.delete(key));
    await this.evict();
    return pending;
  }

  /** Closes the sessions of a device (removed from the inventory, or credential changed). */
  async forget(device: string): Promise<void> {
    for (const [key, p] of this.sessions) {
      const s = await p.catch(() => undefined);
      if (s && s.target.device === device) {
        this.sessions.delete(key);
        s.close();
      }
    }
  }

  stats(): { open: number; opened: number; evicted: number; transport?: SharedUdpTransportStats; inFlight: number; queued: number } {
    return {
      open: this.sessions.size,
      opened: this.opened,
      evicted: this.evicted,
      ...(this.transport ? { transport: { ...this.transport.stats } } : {}),
      inFlight: this.limiter.active,
      queued: this.limiter.queued,
    };
  }

  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const p of all) (await p.catch(() => undefined))?.close();
    await this.transport?.close();
  }

  private async open(target: SnmpTarget): Promise<SnmpSession> {
    const ip = await resolveAddress(target);
    const options: SessionOptions = {
      port: target.port,
      retries: target.retries,
      timeout: target.timeoutMs,
      backoff: target.backoff,
      transport: isIP(ip) === 6 ? 'udp6' : 'udp4',
      // Agents that answer GETNEXT/GETBULK with a smaller OID loop a walk forever: the walk
      // checks ordering itself and reports out-of-order with the OID, see snmp-walk.ts.
      backwardsGetNexts: true,
      ...(this.transport ? { dgramModule: this.transport } : {}),
    };
    const raw = (this.options.openSession ?? openNetSnmpSession)(target, ip, options);
    this.opened++;
    return new SnmpSession(target, ip, raw, this.limiter);
  }

  private async evict(): Promise<void> {
    if (this.sessions.size <= this.options.maxOpenSessions) return;
    const idleBefore = Date.now() - (this.options.evictIdleMs ?? 30_000);
    for (const [key, p] of this.sessions) {
      if (this.sessions.size <= this.options.maxOpenSessions) break;
      const s = await p.catch(() => undefined);
      if (s && (s.busy || s.lastUsed > idleBefore)) continue;
      this.sessions.delete(key);
      s?.close();
      this.evicted++;
    }
  }
}

function openNetSnmpSession(target: SnmpTarget, ip: string, options: SessionOptions): NetSnmpSession {
  const c = target.credential;
  return c.version === 'v3'
    ? snmp.createV3Session(ip, toUsmUser(c, target.device), { ...options, ...(c.context ? { context: c.context } : {}) })
    : snmp.createSession(ip, revealSecret(c.community), { ...options, version: c.version === 'v1' ? snmp.Version1 : snmp.Version2c });
}

/** A stable key that includes the secrets only as a hash. */
export function sessionKey(t: SnmpTarget): string {
  const c = t.credential;
  const h = createHash('sha256');
  if (c.version === 'v3') {
    h.update([c.user, c.level, c.authProtocol ?? '', revealSecret(c.authKey), c.privProtocol ?? '', revealSecret(c.privKey), c.context ?? ''].join('\0'));
  } else {
    h.update(revealSecret(c.community));
  }
  return `${t.device}|${t.address}|${t.port}|${c.version}|${t.timeoutMs}|${t.retries}|${t.backoff}|${h.digest('hex').slice(0, 16)}`;
}

async function resolveAddress(target: SnmpTarget): Promise<string> {
  if (isIP(target.address)) return target.address;
  try {
    return (await lookup(target.address)).address;
  } catch (err) {
    throw new SnmpError('socket', `device ${target.device}: cannot resolve '${target.address}': ${(err as Error).message}`, { device: target.device, address: target.address });
  }
}
