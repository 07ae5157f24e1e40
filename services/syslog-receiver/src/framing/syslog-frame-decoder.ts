/**
 * RFC 6587 framing of syslog over a TCP (or TLS) stream, as a streaming decoder: feed it chunks
 * exactly as the socket delivers them (split anywhere) and it yields whole messages.
 *
 * - Octet-counting (§3.4.1): `MSG-LEN SP SYSLOG-MSG`, MSG-LEN a decimal byte count.
 * - Non-transparent (§3.4.2): messages terminated by LF (a CR before it is dropped too).
 *
 * The framing is detected once per connection from its first byte (§3.4.2: octet-counting starts
 * with a digit, a syslog message with `<`), as rsyslog's imtcp does. Memory stays bounded by
 * `maxMessageBytes`: the first maxMessageBytes of a longer message are kept and flagged
 * truncated, the rest is skipped. A bad MSG-LEN is counted in `framingErrors` and the decoder
 * resynchronises at the next LF.
 */
export type SyslogFraming = 'octet-counting' | 'non-transparent';

export interface SyslogFrame {
  bytes: Buffer;
  /** the message was longer than maxMessageBytes (or cut by the end of the stream) */
  truncated: boolean;
}

const LF = 10;
const CR = 13;
const SP = 32;
/** 10 digits = up to 9,999,999,999 bytes: more is not a length, it is garbage. */
const MAX_LEN_DIGITS = 10;

type State = 'detect' | 'length' | 'body' | 'line' | 'resync';

export class SyslogFrameDecoder {
  framing: SyslogFraming | undefined;
  /** bad MSG-LEN headers seen (each skipped up to the next LF) */
  framingErrors = 0;
  private state: State = 'detect';
  private length = 0;
  private lengthDigits = 0;
  private remaining = 0;
  private parts: Buffer[] = [];
  private kept = 0;
  private overflow = false;

  constructor(private readonly maxMessageBytes: number) {}

  /** Decodes a chunk; complete messages are appended to `out`. */
  push(chunk: Buffer, out: SyslogFrame[]): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.state) {
        case 'detect': {
          const c = chunk[i] as number;
          if (c >= 49 && c <= 57) {
            this.framing = 'octet-counting';
            this.state = 'length';
          } else {
            this.framing = 'non-transparent';
            this.state = 'line';
          }
          break;
        }
        case 'length': {
          const c = chunk[i] as number;
          if (c >= 48 && c <= 57 && this.lengthDigits < MAX_LEN_DIGITS && !(c === 48 && this.lengthDigits === 0)) {
            this.length = this.length * 10 + (c - 48);
            this.lengthDigits++;
            i++;
          } else if (c === SP && this.lengthDigits > 0) {
            this.remaining = this.length;
            this.state = 'body';
            i++;
          } else if ((c === LF || c === CR) && this.lengthDigits === 0) {
            i++; // some senders put a newline after each octet-counted frame
          } else {
            this.framingErrors++;
            this.resetLength();
            this.state = 'resync';
          }
          break;
        }
        case 'body': {
          const take = Math.min(this.remaining, n - i);
          this.keep(chunk.subarray(i, i + take));
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) {
            out.push(this.frame(false));
            this.resetLength();
            this.state = 'length';
          }
          break;
        }
        case 'line': {
          const lf = chunk.indexOf(LF, i);
          if (lf < 0) {
            this.keep(chunk.subarray(i));
            i = n;
          } else {
            this.keep(chunk.subarray(i, lf));
            i = lf + 1;
            const frame = this.frame(true);
            if (frame.bytes.length > 0 || frame.truncated) out.push(frame);
          }
          break;
        }
        case 'resync': {
          const lf = chunk.indexOf(LF, i);
          if (lf < 0) i = n;
          else {
            i = lf + 1;
            this.state = 'length';
          }
          break;
        }
      }
    }
  }

  /** The peer closed the stream: a partial message is still delivered, flagged truncated if cut. */
  end(out: SyslogFrame[]): void {
    if (this.state === 'line' && (this.kept > 0 || this.overflow)) {
      const frame = this.frame(true);
      if (frame.bytes.length > 0) out.push(frame);
    } else if (this.state === 'body' && (this.kept > 0 || this.overflow)) {
      out.push({ ...this.frame(false), truncated: true });
    }
    this.resetLength();
    if (this.state === 'body') this.state = 'length';
  }

  private keep(part: Buffer): void {
    if (part.length === 0) return;
    const room = this.maxMessageBytes - this.kept;
    if (room <= 0) {
      this.overflow = true;
      return;
    }
    if (part.length > room) {
      this.overflow = true;
      part = part.subarray(0, room);
    }
    this.parts.push(part);
    this.kept += part.length;
  }

  private frame(stripCr: boolean): SyslogFrame {
    let bytes = this.parts.length === 1 ? Buffer.from(this.parts[0] as Buffer) : Buffer.concat(this.parts, this.kept);
    if (stripCr && !this.overflow && bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    const truncated = this.overflow;
    this.parts = [];
    this.kept = 0;
    this.overflow = false;
    return { bytes, truncated };
  }

  private resetLength(): void {
    this.length = 0;
    this.lengthDigits = 0;
  }
}
