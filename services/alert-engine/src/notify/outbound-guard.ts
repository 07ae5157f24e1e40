import { isIP } from 'node:net';

/** Cloud metadata endpoints by name (GCP, Azure, AWS, OpenStack, Alibaba). */
const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'metadata.azure.com', 'instance-data', 'instance-data.ec2.internal']);
/** Metadata addresses outside link-local: AWS IPv6 IMDS and Alibaba's. */
const METADATA_ADDRESSES = new Set(['fd00:ec2::254', '100.100.100.200']);

function ipv4Octets(address: string): number[] | null {
  const m = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.(\d+)$/i.exec(address);
  return m ? m.slice(1).map(Number) : null;
}

/**
 * Why an address must not be a notification destination, or null if it may be: link-local
 * 169.254.0.0/16 (RFC 3927, where cloud metadata lives) and fe80::/10 (RFC 4291 §2.5.6),
 * IPv4-mapped forms included, and the known metadata addresses.
 */
export function refusedAddressReason(address: string): string | null {
  const v4 = ipv4Octets(address);
  if (v4) return v4[0] === 169 && v4[1] === 254 ? 'link-local (169.254.0.0/16)' : METADATA_ADDRESSES.has(v4.join('.')) ? 'cloud metadata address' : null;
  const lower = address.toLowerCase();
  if (isIP(lower) === 6) {
    const first = parseInt(lower.split(':')[0] || '0', 16);
    if ((first & 0xffc0) === 0xfe80) return 'link-local (fe80::/10)';
    if (METADATA_ADDRESSES.has(lower)) return 'cloud metadata address';
  }
  return null;
}

/** Checks host names and resolved addresses of outbound notification requests (SSRF guard). */
export class OutboundGuard {
  private readonly allowed: ReadonlySet<string>;

  constructor(allowHosts: readonly string[]) {
    this.allowed = new Set(allowHosts.map((h) => h.toLowerCase()));
  }

  /** Why `host` (a name from a URL) is refused before any lookup, or null. */
  hostRefused(host: string): string | null {
    const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
    if (this.allowed.has(h)) return null;
    if (METADATA_HOSTS.has(h)) return 'cloud metadata host name';
    return isIP(h) ? refusedAddressReason(h) : null;
  }

  /** Why the address `host` resolved to is refused, or null (checked at connect time: no rebinding gap). */
  addressRefused(host: string, address: string): string | null {
    const h = host.toLowerCase().replace(/^\[|\]$/g, '');
    if (this.allowed.has(h) || this.allowed.has(address.toLowerCase())) return null;
    return refusedAddressReason(address);
  }
}
