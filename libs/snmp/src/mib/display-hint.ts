/**
 * DISPLAY-HINT rendering (RFC 2579 §3.1). Octet-string hints are a list of specs
 * `[*]<length><format>[<separator>][<terminator>]`, the last one repeating until the data is
 * used up; integer hints are `d[-n]`, `x`, `o`, `b`. Pure; never throws (bad hints fall back to hex).
 */

interface OctetSpec {
  star: boolean;
  length: number;
  format: string;
  sep?: string;
  term?: string;
}

const specCache = new Map<string, OctetSpec[] | null>();

function parseOctetHint(hint: string): OctetSpec[] | null {
  const cached = specCache.get(hint);
  if (cached !== undefined) return cached;
  const specs: OctetSpec[] = [];
  let i = 0;
  const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
  while (i < hint.length) {
    const spec: OctetSpec = { star: false, length: 0, format: '' };
    if (hint[i] === '*') {
      spec.star = true;
      i++;
    }
    let num = '';
    while (isDigit(hint[i])) num += hint[i++];
    if (!num) return remember(hint, null);
    spec.length = Number(num);
    const f = hint[i++];
    if (f !== 'd' && f !== 'x' && f !== 'o' && f !== 'a' && f !== 't') return remember(hint, null);
    spec.format = f;
    const next = hint[i];
    if (next !== undefined && !isDigit(next) && next !== '*') {
      spec.sep = next;
      i++;
      const after = hint[i];
      if (spec.star && after !== undefined && !isDigit(after) && after !== '*') {
        spec.term = after;
        i++;
      }
    }
    specs.push(spec);
    if (specs.length > 64) return remember(hint, null);
  }
  return remember(hint, specs.length ? specs : null);
}

function remember(hint: string, v: OctetSpec[] | null): OctetSpec[] | null {
  if (specCache.size < 1024) specCache.set(hint, v);
  return v;
}

export function hex(bytes: Uint8Array, sep = ' '): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i) out += sep;
    out += (bytes[i] ?? 0).toString(16).padStart(2, '0').toUpperCase();
  }
  return out;
}

/** Renders an OCTET STRING with a DISPLAY-HINT, e.g. `1x:` → `00:1a:2b:…`, `255a` → text. */
export function formatOctetsWithHint(bytes: Uint8Array, hint: string): string {
  const specs = parseOctetHint(hint);
  if (!specs) return hex(bytes);
  let out = '';
  let pos = 0;
  let si = 0;
  while (pos < bytes.length) {
    const spec = specs[Math.min(si, specs.length - 1)];
    if (!spec) break;
    let repeat = 1;
    if (spec.star) repeat = bytes[pos++] ?? 0;
    for (let r = 0; r < repeat && pos < bytes.length; r++) {
      const take = Math.min(spec.length, bytes.length - pos);
      const chunk = bytes.subarray(pos, pos + take);
      pos += take;
      out += formatChunk(chunk, spec.format);
      const last = pos >= bytes.length;
      if (!last) {
        if (spec.star && r === repeat - 1 && spec.term !== undefined) out += spec.term;
        else if (spec.sep !== undefined) out += spec.sep;
      }
    }
    if (spec.length === 0 && !spec.star) break; // no progress possible
    si++;
  }
  return out;
}

function formatChunk(chunk: Uint8Array, format: string): string {
  switch (format) {
    case 'a':
    case 't':
      return Buffer.from(chunk).toString(format === 't' ? 'utf8' : 'latin1');
    case 'x': {
      let s = '';
      for (const b of chunk) s += b.toString(16).padStart(2, '0');
      return s;
    }
    default: {
      let v = 0n;
      for (const b of chunk) v = (v << 8n) | BigInt(b);
      return format === 'o' ? v.toString(8) : v.toString(10);
    }
  }
}

/** Integer DISPLAY-HINT: `d-2` → 1234 as `12.34`; `x` hex; `o` octal; `b` binary. */
export function formatIntegerWithHint(value: bigint | number, hint: string): string {
  const v = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
  const m = /^([dxob])(?:-(\d+))?$/.exec(hint);
  if (!m) return v.toString();
  switch (m[1]) {
    case 'x':
      return v.toString(16);
    case 'o':
      return v.toString(8);
    case 'b':
      return v.toString(2);
    default: {
      const places = Number(m[2] ?? 0);
      if (!places || places > 30) return v.toString();
      const neg = v < 0n;
      const digits = (neg ? -v : v).toString().padStart(places + 1, '0');
      return `${neg ? '-' : ''}${digits.slice(0, -places)}.${digits.slice(-places)}`;
    }
  }
}

