import { SondeError, type ErrorContext, type SondeErrorCode } from '@sonde/events/sonde-error';

export class IcmpProberError extends SondeError {
  constructor(code: SondeErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(code, message, context, options);
  }
}

/**
 * Raw ICMP sockets need CAP_NET_RAW (raw(7)). The message names the capability and how to
 * grant it, and says why ping sockets are no way around it here.
 */
export function missingNetRawMessage(family: 4 | 6): string {
  const call = family === 4 ? 'socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)' : 'socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)';
  return (
    `icmp-prober: missing capability CAP_NET_RAW: ${call} failed with EPERM. ` +
    'Grant CAP_NET_RAW to the process (Kubernetes: securityContext.capabilities.add: ["NET_RAW"]; ' +
    'systemd: AmbientCapabilities=CAP_NET_RAW; or setcap cap_net_raw+ep on the node binary). ' +
    'Unprivileged ping sockets (sysctl net.ipv4.ping_group_range) are not used: Node has no API for them.'
  );
}
