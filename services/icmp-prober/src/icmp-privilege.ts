import raw from 'raw-socket';
import { missingNetRawMessage } from './icmp-prober-error';

/**
 * Whether this process may open a raw ICMP socket: undefined if it may, else the message that
 * names what is missing. `sonde up` asks first, so a laptop without CAP_NET_RAW still runs every
 * other service and says why ICMP is off, instead of failing as a lone icmp-prober must.
 */
export function icmpPrivilegeProblem(): string | undefined {
  try {
    raw.createSocket({ addressFamily: raw.AddressFamily.IPv4, protocol: raw.Protocol.ICMP }).close();
    return undefined;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return message === 'Operation not permitted' || message === 'Permission denied' ? missingNetRawMessage(4) : `icmp-prober: ${message}`;
  }
}
