import { SondeError, type ErrorContext, type SondeErrorCode } from '@sonde/events/sonde-error';

/**
 * What went wrong, in the words an operator sees in snmpd's logs or in usmStats (RFC 3414 §5).
 * `code` (inherited) says how a caller reacts; `reason` says precisely why.
 */
export type SnmpErrorReason =
  | 'timeout'
  | 'discovery-timeout'
  | 'not-in-time-window'
  | 'unknown-user'
  | 'unknown-engine-id'
  | 'wrong-digest'
  | 'decryption-error'
  | 'unsupported-security-level'
  | 'wrong-community'
  | 'too-big'
  | 'no-such-name'
  | 'agent-error'
  | 'malformed-response'
  | 'out-of-order'
  | 'socket'
  | 'closed'
  | 'overloaded'
  | 'bad-credential';

const CODE_OF: Record<SnmpErrorReason, SondeErrorCode> = {
  timeout: 'timeout',
  'discovery-timeout': 'timeout',
  'not-in-time-window': 'auth',
  'unknown-user': 'auth',
  'unknown-engine-id': 'auth',
  'wrong-digest': 'auth',
  'decryption-error': 'auth',
  'unsupported-security-level': 'auth',
  'wrong-community': 'auth',
  'too-big': 'overloaded',
  'no-such-name': 'not-found',
  'agent-error': 'unavailable',
  'malformed-response': 'malformed',
  'out-of-order': 'malformed',
  socket: 'unavailable',
  closed: 'unavailable',
  overloaded: 'overloaded',
  'bad-credential': 'config',
};

/** Context every SNMP error carries: which device, which OID, which PDU. Never a secret. */
export interface SnmpErrorContext extends ErrorContext {
  device?: string;
  address?: string;
  oid?: string;
  pdu?: string;
}

export class SnmpError extends SondeError {
  constructor(
    readonly reason: SnmpErrorReason,
    message: string,
    context: SnmpErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(CODE_OF[reason], message, { ...context, reason }, options);
  }
}

export function isSnmpError(err: unknown, reason?: SnmpErrorReason): err is SnmpError {
  return err instanceof SnmpError && (reason === undefined || err.reason === reason);
}
