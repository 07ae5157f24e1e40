import type { ParsedSyslog } from './parsers/syslog-dialect';
import type { SyslogReceiverConfig } from './syslog-receiver.config';
import type { DropReason, DropStage, SyslogTransport } from './syslog-receiver.metrics';
import type { UdpBinding } from './udp-syslog-server';

/** Messages between the UDP worker threads and the main thread (structured clone). */
export interface UdpWorkerData {
  config: SyslogReceiverConfig;
  bindings: UdpBinding[];
}

export interface UdpWorkerItem {
  parsed: ParsedSyslog;
  truncated: boolean;
  address: string;
  port: number;
  receivedAt: number;
}

/** Counter deltas since the previous batch. */
export interface UdpWorkerCounts {
  received: number;
  parsed: Record<string, number>;
  dropped: { reason: DropReason; stage: DropStage; n: number; detail?: string }[];
  truncated: number;
  transport: SyslogTransport;
}

export type UdpWorkerMessage =
  | { type: 'ready'; ports: number[]; /** SO_RCVBUF granted, summed over this worker's sockets */ receiveBufferBytes: number }
  | {
      type: 'error';
      message: string;
      /** a bind failure (ListenError), rebuilt on the main thread so it exits 3 naming the config path */
      listen?: { configPath: string; address: string; port: number; errno?: string };
    }
  | { type: 'socket-error'; message: string }
  | {
      type: 'batch';
      items: UdpWorkerItem[];
      counts: UdpWorkerCounts;
      /** rate-limit drops since the previous batch, by source address */
      rateLimited: [string, number][];
      /** kernel drops of isolated sockets this worker closed since the previous batch, by source */
      kernelDropsRetired: [string, number][];
      /** sources on a socket of their own in this worker now */
      isolatedSources: number;
    };
