import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, isIPv6, type Socket as TcpSocket } from 'node:net';
import { LabError } from './lab-error';
import { syslogMix, type SyslogLine, type SyslogLineInput } from './syslog-lines';

/**
 * Sends syslog lines (syslog-lines.ts) to a receiver: UDP, one message per datagram (RFC 5426),
 * or TCP with RFC 6587 framing — octet counting (§3.4.1, "LEN SP MSG") or LF-terminated (§3.4.2).
 */

export interface SyslogEmitterOptions {
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
  framing?: 'octet-counting' | 'lf';
  /** Send from this local address (a lab device's own loopback address). */
  sourceAddress?: string;
}

export interface SyslogScheduleOptions {
  perMinute: number;
  dialects: readonly string[];
  /** Message n comes from this device (hostname, address, interface). */
  source: (n: number) => Omit<SyslogLineInput, 'seq' | 'up' | 'nowMs'>;
  clock?: () => number;
  onError?: (error: Error) => void;
}

/** RFC 6587 §3.4.1 octet-counted frame of one message. */
export function octetCountedFrame(line: string): Buffer {
  const msg = Buffer.from(line, 'utf8');
  return Buffer.concat([Buffer.from(`${msg.length} `, 'ascii'), msg]);
}

export class SyslogEmitter {
  private timer: NodeJS.Timeout | undefined;
  private sent = 0;

  private constructor(
    private readonly options: SyslogEmitterOptions,
    private readonly udp: UdpSocket | undefined,
    private readonly tcp: TcpSocket | undefined,
  ) {}

  static async connect(options: SyslogEmitterOptions): Promise<SyslogEmitter> {
    const where = `${options.host}:${options.port}`;
    if (options.transport === 'udp') {
      const udp = createSocket(isIPv6(options.host) ? 'udp6' : 'udp4');
      udp.on('error', () => undefined);
      if (options.sourceAddress) await new Promise<void>((resolve) => udp.bind(0, options.sourceAddress, resolve));
      return new SyslogEmitter(options, udp, undefined);
    }
    const tcp = await new Promise<TcpSocket>((resolve, reject) => {
      const s = connect({ host: options.host, port: options.port, ...(options.sourceAddress ? { localAddress: options.sourceAddress } : {}) });
      s.once('connect', () => {
        s.off('error', reject);
        resolve(s);
      });
      s.once('error', (err) =>
        reject(new LabError('unavailable', `syslog emitter: cannot connect to ${where}: ${err.message}`, { target: where }, { cause: err })),
      );
    });
    tcp.setNoDelay(true);
    tcp.on('error', () => undefined);
    return new SyslogEmitter(options, undefined, tcp);
  }

  /** Messages sent so far. */
  get count(): number {
    return this.sent;
  }

  /** Sends one message; resolves when the socket has taken it (TCP: written, honouring backpressure). */
  send(line: string): Promise<void> {
    const where = `${this.options.host}:${this.options.port}`;
    return new Promise((resolve, reject) => {
      const done = (err?: Error | null): void => {
        if (err) reject(new LabError('unavailable', `syslog emitter: send to ${where} failed: ${err.message}`, { target: where }, { cause: err }));
        else {
          this.sent++;
          resolve();
        }
      };
      if (this.udp) {
        this.udp.send(Buffer.from(line, 'utf8'), this.options.port, this.options.host, done);
      } else if (this.tcp) {
        const frame = this.options.framing === 'lf' ? Buffer.from(`${line}\n`, 'utf8') : octetCountedFrame(line);
        this.tcp.write(frame, done);
      }
    });
  }

  /** Generates and sends `count` messages of a mix, in order; returns what was sent. */
  async sendMix(count: number, dialects: readonly string[], base: Omit<SyslogLineInput, 'seq' | 'up'>): Promise<SyslogLine[]> {
    const lines: SyslogLine[] = [];
    for (let n = 0; n < count; n++) {
      const l = syslogMix(n, dialects, base);
      await this.send(l.line);
      lines.push(l);
    }
    return lines;
  }

  /** Sends a mix at a steady rate on one timer until stop()/close(). */
  startSchedule(schedule: SyslogScheduleOptions): void {
    this.stop();
    const clock = schedule.clock ?? Date.now;
    const intervalMs = Math.max(1, Math.round(60_000 / schedule.perMinute));
    let n = 0;
    this.timer = setInterval(() => {
      const line = syslogMix(n, schedule.dialects, { ...schedule.source(n), nowMs: clock() });
      n++;
      this.send(line.line).catch((err: Error) => schedule.onError?.(err));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async close(): Promise<void> {
    this.stop();
    if (this.udp) await new Promise<void>((resolve) => this.udp?.close(() => resolve()));
    if (this.tcp) await new Promise<void>((resolve) => this.tcp?.end(() => resolve()));
  }
}
