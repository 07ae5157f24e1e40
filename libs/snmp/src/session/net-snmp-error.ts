import snmp from 'net-snmp';
import { SnmpError, type SnmpErrorContext, type SnmpErrorReason } from './snmp-error';

/** usmStats report texts net-snmp puts in its EAuthFailure errors (RFC 3414 §3.2 / usmStats). */
const USM_REPORTS: ReadonlyArray<[string, SnmpErrorReason]> = [
  ['Unsupported Security Level', 'unsupported-security-level'],
  ['Not In Time Window', 'not-in-time-window'],
  ['Unknown User Name', 'unknown-user'],
  ['Unknown Engine ID', 'unknown-engine-id'],
  ['Wrong Digest', 'wrong-digest'],
  ['Decryption Error', 'decryption-error'],
];

const EXPLAIN: Partial<Record<SnmpErrorReason, string>> = {
  'unknown-user': 'the agent does not know this USM user (usmStatsUnknownUserNames)',
  'wrong-digest': 'authentication failed: wrong auth key or protocol (usmStatsWrongDigests)',
  'decryption-error': 'privacy failed: wrong priv key or protocol (usmStatsDecryptionErrors)',
  'unsupported-security-level': 'the user does not support this security level (usmStatsUnsupportedSecLevels)',
  'not-in-time-window': 'the agent rejected our engineBoots/engineTime after resynchronising (usmStatsNotInTimeWindows)',
  'unknown-engine-id': 'the agent rejected the engine ID we used (usmStatsUnknownEngineIDs)',
};

/**
 * Turns whatever net-snmp hands a callback into a SnmpError with device/oid context.
 * The cause is deliberately not attached: net-snmp puts the USM user (with its keys) into
 * some errors' `info`, and a logger serialising the cause would print it.
 */
export function fromNetSnmpError(err: unknown, context: SnmpErrorContext, timeoutDetail = ''): SnmpError {
  if (err instanceof SnmpError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const where = describe(context);
  if (err instanceof snmp.RequestTimedOutError) {
    return new SnmpError('timeout', `no response from ${where}${timeoutDetail}`, context);
  }
  if (err instanceof snmp.RequestFailedError) {
    const status = snmp.ErrorStatus[err.status] ?? String(err.status);
    const reason: SnmpErrorReason =
      err.status === snmp.ErrorStatus.TooBig ? 'too-big' : err.status === snmp.ErrorStatus.NoSuchName ? 'no-such-name' : 'agent-error';
    return new SnmpError(reason, `${where} answered error-status ${status}: ${message}`, { ...context, errorStatus: status });
  }
  if (err instanceof snmp.ResponseInvalidError) {
    const code = snmp.ResponseInvalidCode[err.code] ?? String(err.code);
    if (err.code === snmp.ResponseInvalidCode.EAuthFailure) {
      const usm = USM_REPORTS.find(([text]) => message.startsWith(text));
      const reason: SnmpErrorReason = usm ? usm[1] : 'wrong-digest';
      const detail = usm ? EXPLAIN[reason] : 'response digest does not match: wrong auth key or protocol';
      return new SnmpError(reason, `SNMPv3 ${reason} from ${where}: ${detail}`, context);
    }
    if (err.code === snmp.ResponseInvalidCode.ECouldNotDecrypt) {
      return new SnmpError('decryption-error', `SNMPv3 decryption-error from ${where}: wrong priv key or protocol`, context);
    }
    if (err.code === snmp.ResponseInvalidCode.ENotInTimeWindow) {
      return new SnmpError('not-in-time-window', `SNMPv3 not-in-time-window from ${where}: ${message}`, context);
    }
    if (err.code === snmp.ResponseInvalidCode.EOutOfOrder) {
      return new SnmpError('out-of-order', `${where} returned OIDs out of order: ${message}`, context);
    }
    return new SnmpError('malformed-response', `malformed response from ${where} (${code}): ${message}`, context);
  }
  if (err instanceof RangeError) {
    return new SnmpError('malformed-response', `malformed response from ${where}: ${message}`, context);
  }
  if (message === 'Socket forcibly closed') {
    return new SnmpError('closed', `session to ${where} closed with the request in flight`, context);
  }
  return new SnmpError('socket', `cannot talk to ${where}: ${message}`, context);
}

function describe(ctx: SnmpErrorContext): string {
  const dev = ctx.device ? `device ${ctx.device}` : 'agent';
  const addr = ctx.address ? ` (${ctx.address})` : '';
  const oid = ctx.oid ? ` for ${ctx.pdu ?? 'request'} ${ctx.oid}` : '';
  return `${dev}${addr}${oid}`;
}
