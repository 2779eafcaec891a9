/** The wizard's subnet suggestion: the first free RFC 1918 block, skipping the host's and the spec's subnets. */
import { describe, expect, it } from 'vitest';
import { suggestIpv4, suggestSubnet } from '../../../shared/spec/vm-networks';
import { veth } from '../plan/sim';
import { host, labNat, libvirtNet, spec } from './support';

describe('suggestSubnet', () => {
  it('starts at 192.168.100.0/24 on an empty host', () => {
    expect(suggestSubnet(host({ networks: [] }), spec({}, []))).toBe('192.168.100.0/24');
  });
  it("skips the spec's networks and switch addresses, host links and other libvirt networks", () => {
    const h = host({
      networks: [
        libvirtNet('other', { ips: [{ family: 'ipv4', address: '192.168.101.1', prefix: 24, dhcpRanges: [] }] }),
      ],
    });
    h.links.push(veth('eth9', { addresses: [{ family: 'inet', address: '192.168.102.7', prefixLength: 24 }] }));
    const s = spec({ networks: [labNat({ ipv4: { address: '192.168.100.1/24' } })] }, [
      { name: 'br-lan', addresses: ['192.168.103.1/24'] },
    ]);
    expect(suggestSubnet(h, s)).toBe('192.168.104.0/24');
  });
  it('honours the prefix, aligned, and moves to 10.x when 192.168.100-255 is taken', () => {
    expect(suggestSubnet(host({ networks: [] }), spec({}, []), 26)).toBe('192.168.100.0/26');
    const h = host({ networks: [] });
    h.links.push(veth('big', { addresses: [{ family: 'inet', address: '192.168.0.1', prefixLength: 16 }] }));
    expect(suggestSubnet(h, spec({}, []))).toBe('10.0.0.0/24');
    expect(suggestSubnet(h, spec({}, []), 16)).toBe('10.0.0.0/16');
  });
  it('refuses prefixes a network cannot use', () => {
    expect(() => suggestSubnet(host(), spec({}), 31)).toThrow(/8 to 30/);
  });
  it('a ready ipv4 block: gateway first, dynamic range in the upper half', () => {
    expect(suggestIpv4(host({ networks: [] }), spec({}, []))).toEqual({
      address: '192.168.100.1/24',
      range: { start: '192.168.100.128', end: '192.168.100.254' },
    });
    expect(suggestIpv4(host({ networks: [] }), spec({}, []), 29)).toEqual({
      address: '192.168.100.1/29',
      range: { start: '192.168.100.4', end: '192.168.100.6' },
    });
  });
});
