/**
 * Syslog lines as the lab's devices would send them, one generator per dialect (registered by
 * name, style.md rule 6). Pure: the same input gives the same line, and each result carries
 * what a correct parser must extract, so receivers' tests assert against it.
 */

export interface SyslogLineInput {
  nowMs: number;
  /** Sequence number of the message (Cisco's, RFC 5424 meta sequenceId). */
  seq: number;
  hostname: string;
  address: string;
  ifIndex: number;
  ifName: string;
  /** The link event the message reports. */
  up: boolean;
}

export interface SyslogLine {
  dialect: string;
  line: string;
  facility: number;
  severity: number;
  /** Hostname a parser should find, when the line carries one. */
  hostname?: string;
  appName?: string;
  /** The free-text part. */
  message: string;
  /** Vendor fields a parser should extract (Cisco mnemonic, Fortinet key=value…). */
  fields: Record<string, string>;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** RFC 3164 §4.1.2 TIMESTAMP "Mmm dd hh:mm:ss", day space-padded; `ms` appends Cisco's ".mmm". */
export function bsdTimestamp(nowMs: number, ms = false): string {
  const d = new Date(nowMs);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${MONTHS[d.getUTCMonth()]} ${day} ${time}${ms ? `.${pad(d.getUTCMilliseconds(), 3)}` : ''}`;
}

/** PRI = facility × 8 + severity (RFC 5424 §6.2.1). */
export const pri = (facility: number, severity: number): number => facility * 8 + severity;

/** RFC 5424 §6.3.3: inside PARAM-VALUE, '"', '\' and ']' are escaped with '\'. */
export function escapeSdValue(value: string): string {
  return value.replace(/[\\"\]]/g, (c) => `\\${c}`);
}

const LOCAL7 = 23;
const DAEMON = 3;

type Dialect = (input: SyslogLineInput) => SyslogLine;

export const SYSLOG_DIALECTS: Readonly<Record<string, Dialect>> = {
  /** RFC 5424 with structured data (timeQuality, origin and a private SD-ID with escaped values). */
  rfc5424: (i) => {
    const severity = i.up ? 5 : 3;
    const message = `Interface ${i.ifName} changed state to ${i.up ? 'up' : 'down'}`;
    const ts = new Date(i.nowMs).toISOString();
    const note = escapeSdValue(`port "${i.ifName}" [lab] \\ ${i.seq}`);
    const sd =
      `[timeQuality tzKnown="1" isSynced="1"][origin ip="${i.address}" software="sonde-lab"]` +
      `[sondeLab@32473 ifIndex="${i.ifIndex}" note="${note}"][meta sequenceId="${i.seq}"]`;
    return {
      dialect: 'rfc5424',
      line: `<${pri(LOCAL7, severity)}>1 ${ts} ${i.hostname} linkd ${1000 + (i.seq % 1000)} LINK ${sd} ${message}`,
      facility: LOCAL7,
      severity,
      hostname: i.hostname,
      appName: 'linkd',
      message,
      fields: { msgId: 'LINK' },
    };
  },
  /** RFC 3164 (BSD): no year, no zone. */
  rfc3164: (i) => {
    const severity = i.up ? 5 : 4;
    const message = `link ${i.ifName} is ${i.up ? 'up' : 'down'}`;
    return {
      dialect: 'rfc3164',
      line: `<${pri(DAEMON, severity)}>${bsdTimestamp(i.nowMs)} ${i.hostname} netd[${2000 + (i.seq % 1000)}]: ${message}`,
      facility: DAEMON,
      severity,
      hostname: i.hostname,
      appName: 'netd',
      message,
      fields: {},
    };
  },
  /**
   * Cisco IOS: "seq: *Mar  1 18:46:11.123: %FACILITY-SEV-MNEMONIC: text". Even sequence numbers
   * use the unsynchronised-clock form ('*', no hostname); odd ones `logging origin-id hostname`
   * with a synchronised clock and a zone.
   */
  'cisco-ios': (i) => {
    const severity = 3;
    const message = `Interface ${i.ifName}, changed state to ${i.up ? 'up' : 'down'}`;
    const head = i.seq % 2 === 0 ? `${i.seq}: *${bsdTimestamp(i.nowMs, true)}` : `${i.seq}: ${i.hostname}: ${bsdTimestamp(i.nowMs, true)} UTC`;
    return {
      dialect: 'cisco-ios',
      line: `<${pri(LOCAL7, severity)}>${head}: %LINK-3-UPDOWN: ${message}`,
      facility: LOCAL7,
      severity,
      ...(i.seq % 2 === 0 ? {} : { hostname: i.hostname }),
      message,
      fields: { facility: 'LINK', mnemonic: 'UPDOWN', severity: '3', sequence: String(i.seq) },
    };
  },
  /** Junos BSD-style event with its UPPER_CASE event tag. */
  juniper: (i) => {
    const severity = 4;
    const tag = i.up ? 'SNMP_TRAP_LINK_UP' : 'SNMP_TRAP_LINK_DOWN';
    const message = `ifIndex ${i.ifIndex}, ifAdminStatus up(1), ifOperStatus ${i.up ? 'up(1)' : 'down(2)'}, ifName ${i.ifName}`;
    return {
      dialect: 'juniper',
      line: `<${pri(DAEMON, severity)}>${bsdTimestamp(i.nowMs)} ${i.hostname} mib2d[${1500 + (i.seq % 100)}]: ${tag}: ${message}`,
      facility: DAEMON,
      severity,
      hostname: i.hostname,
      appName: 'mib2d',
      message,
      fields: { event: tag },
    };
  },
  /** FortiOS: no syslog header after PRI, only key=value pairs (quoted when they hold spaces). */
  fortinet: (i) => {
    const severity = 5;
    const d = new Date(i.nowMs);
    const fields: Record<string, string> = {
      date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
      time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
      devname: i.hostname,
      devid: `FGT60F${String(i.seq % 1e10).padStart(10, '0')}`,
      eventtime: `${BigInt(i.nowMs) * 1_000_000n}`,
      tz: '+0000',
      logid: '0000000013',
      type: 'traffic',
      subtype: 'forward',
      level: 'notice',
      vd: 'root',
      srcip: i.address,
      srcport: String(40000 + (i.seq % 20000)),
      srcintf: i.ifName,
      dstip: '192.0.2.53',
      dstport: '53',
      dstintf: 'wan1',
      proto: '17',
      action: 'accept',
      policyid: '1',
      service: 'DNS',
      msg: `lab flow ${i.seq}`,
    };
    const quoted = new Set(['devname', 'devid', 'tz', 'logid', 'type', 'subtype', 'level', 'vd', 'srcintf', 'dstintf', 'action', 'service', 'msg']);
    const body = Object.entries(fields)
      .map(([k, v]) => (quoted.has(k) ? `${k}="${v}"` : `${k}=${v}`))
      .join(' ');
    return { dialect: 'fortinet', line: `<${pri(LOCAL7, severity)}>${body}`, facility: LOCAL7, severity, hostname: i.hostname, message: body, fields };
  },
};

export const SYSLOG_DIALECT_NAMES = Object.keys(SYSLOG_DIALECTS) as readonly string[];

export function syslogLine(dialect: string, input: SyslogLineInput): SyslogLine {
  const make = SYSLOG_DIALECTS[dialect];
  if (!make) throw new RangeError(`unknown syslog dialect "${dialect}" (known: ${SYSLOG_DIALECT_NAMES.join(', ')})`);
  return make(input);
}

/** The n-th message of a mix: dialects in turn, links alternating down/up. */
export function syslogMix(n: number, dialects: readonly string[], base: Omit<SyslogLineInput, 'seq' | 'up'>): SyslogLine {
  const dialect = dialects[n % dialects.length] as string;
  return syslogLine(dialect, { ...base, seq: n + 1, up: Math.floor(n / dialects.length) % 2 === 1 });
}
