import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { OutboundGuard, refusedAddressReason } from './outbound-guard';

describe('outbound guard (SSRF: link-local and metadata destinations)', () => {
  it('refuses link-local and metadata addresses, in every spelling', () => {
    for (const a of ['169.254.169.254', '169.254.0.1', '::ffff:169.254.169.254', 'fe80::1', 'FE80::abcd', 'febf::1', 'fd00:ec2::254', '100.100.100.200']) expect(refusedAddressReason(a)).not.toBeNull();
    for (const a of ['127.0.0.1', '10.0.0.1', '169.253.1.1', '::1', 'fec0::1', '2001:db8::1']) expect(refusedAddressReason(a)).toBeNull();
  });

  it('any address in 169.254.0.0/16 is refused, any other IPv4 in 1.0.0.0/8–223/8 outside it is not (metadata aside)', () => {
    fc.assert(
      fc.property(fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.nat(255)), ([a, b, c, d]) => {
        const addr = `${a}.${b}.${c}.${d}`;
        const linkLocal = a === 169 && b === 254;
        expect(refusedAddressReason(addr) !== null).toBe(linkLocal || addr === '100.100.100.200');
      }),
    );
  });

  it('refuses metadata host names unless allowed in config', () => {
    const g = new OutboundGuard([]);
    expect(g.hostRefused('metadata.google.internal')).toMatch(/metadata/);
    expect(g.hostRefused('[fe80::1]')).toMatch(/link-local/);
    expect(g.hostRefused('hooks.slack.com')).toBeNull();
    const allowed = new OutboundGuard(['169.254.10.10']);
    expect(allowed.hostRefused('169.254.10.10')).toBeNull();
    expect(allowed.addressRefused('relay.local', '169.254.10.10')).toBeNull();
    expect(allowed.addressRefused('relay.local', '169.254.10.11')).not.toBeNull();
  });
});
