/** Just enough BER encoding for the replies a receiver sends: inform Responses and Reports. */
export function tlv(tag: number, content: Buffer): Buffer {
  const len = content.length;
  let head: Buffer;
  if (len < 0x80) head = Buffer.from([tag, len]);
  else if (len < 0x100) head = Buffer.from([tag, 0x81, len]);
  else if (len < 0x10000) head = Buffer.from([tag, 0x82, len >> 8, len & 0xff]);
  else head = Buffer.from([tag, 0x83, len >> 16, (len >> 8) & 0xff, len & 0xff]);
  return Buffer.concat([head, content]);
}

export function berInt(value: number, tag = 0x02): Buffer {
  const bytes: number[] = [];
  let v = BigInt(Math.trunc(value));
  for (;;) {
    bytes.unshift(Number(v & 0xffn));
    const rest = v >> 8n;
    const sign = (bytes[0] ?? 0) & 0x80;
    if ((rest === 0n && !sign) || (rest === -1n && sign)) break;
    v = rest;
  }
  return tlv(tag, Buffer.from(bytes));
}

export function berOctets(value: Buffer | string, tag = 0x04): Buffer {
  return tlv(tag, typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
}

export function berOid(oid: string): Buffer {
  const arcs = oid.split('.').map(Number);
  const out: number[] = [];
  const first = (arcs[0] ?? 0) * 40 + (arcs[1] ?? 0);
  for (const a of [first, ...arcs.slice(2)]) {
    const chunk: number[] = [a & 0x7f];
    for (let v = Math.floor(a / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

export function berSeq(...parts: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(parts));
}
