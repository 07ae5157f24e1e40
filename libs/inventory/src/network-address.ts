import { isIP } from 'node:net';

const DOTTED_NUMBERS = /^[0-9.]+$/;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** RFC 1123 hostname; the last label must not be all digits (RFC 3696 §2), so `10.0.0.300` is no hostname. */
export function isHostname(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  return labels.every((l) => HOST_LABEL.test(l)) && !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
}

export function isAddressOrHostname(value: string): boolean {
  return isIP(value) !== 0 || isHostname(value);
}

/** What a bad address was probably meant to be, for the error message. */
export function addressExpectation(value: string): string {
  return DOTTED_NUMBERS.test(value) || value.includes(':')
    ? 'expected an IPv4 or IPv6 address'
    : 'expected an IPv4 or IPv6 address or a hostname';
}

/**
 * The one address normaliser (config, inventory lookups, and every receiver's source address).
 * One spelling per address, so a socket's view (`::ffff:10.0.0.1`, `2001:DB8:0::1`) matches the
 * config's (`10.0.0.1`, `2001:db8::1`). Hostnames are lower-cased; nothing is resolved via DNS.
 */
export function normalizeAddress(address: string): string {
  // hot path (one call per datagram): a socket's IPv4 address is already in its one spelling
  if (isIP(address) === 4) return address;
  if (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4) return address.slice(7);
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped?.[1]) return mapped[1];
  if (isIP(lower) === 6) {
    const known = canonicalV6.get(lower);
    if (known !== undefined) return known;
    const canonical = canonicalIPv6(lower);
    if (canonicalV6.size >= 10_000) canonicalV6.clear();
    canonicalV6.set(lower, canonical);
    return canonical;
  }
  return lower;
}

/** IPv6 spellings seen (bounded): URL parsing costs more than a datagram should. */
const canonicalV6 = new Map<string, string>();

function canonicalIPv6(lower: string): string {
  const zone = lower.indexOf('%');
  const bare = zone >= 0 ? lower.slice(0, zone) : lower;
  try {
    return new URL(`http://[${bare}]/`).hostname.slice(1, -1) + (zone >= 0 ? lower.slice(zone) : '');
  } catch {
    return lower;
  }
}
