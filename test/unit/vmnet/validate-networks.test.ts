/**
 * validateVmNetworks against a hand-made workstation (see support.ts): overlapping subnets, DHCP scopes of libvirt
 * networks, network names and bridges. Each case asserts the exact issue list, so a check that fires twice or on
 * the wrong path fails.
 */
import { describe, expect, it } from 'vitest';
import { validateVmNetworks, vmNetworkWarnings } from '../../../shared/spec/vm-networks';
import { link } from '../plan/sim';
import { host, labNat, lanDhcp, lanOut, libvirtNet, spec } from './support';

describe('the example of issue 5', () => {
  it('is valid on the workstation', () => {
    const s = spec({
      networks: [labNat()],
      vms: [
        {
          name: 'web01',
          nics: [
            { mac: '52:54:00:aa:bb:cc', network: 'lab-nat' },
            { mac: '52:54:00:aa:bb:cd', switch: 'br-lan', portGroup: 'servers' },
          ],
        },
      ],
      dhcp: [lanDhcp()],
      nat: [lanOut],
    });
    expect(validateVmNetworks(s, host())).toEqual([]);
  });
});

describe('overlapping subnets', () => {
  it('between two spec networks, and a network and a switch', () => {
    const s = spec({
      networks: [
        labNat(),
        labNat({ name: 'lab2', bridge: 'virbr-l2', ipv4: { address: '192.168.150.129/25' } }),
        labNat({ name: 'lab3', bridge: 'virbr-l3', ipv4: { address: '10.10.0.200/24' } }),
      ],
    });
    expect(validateVmNetworks(s, host())).toEqual([
      {
        path: 'networks[1].ipv4.address',
        message: '192.168.150.128/25 overlaps 192.168.150.0/24 of networks[0].ipv4.address',
      },
      { path: 'switches[0].addresses[0]', message: '10.10.0.0/24 overlaps 10.10.0.0/24 of networks[2].ipv4.address' },
    ]);
  });
  it("with an address on the host's links", () => {
    expect(validateVmNetworks(spec({ networks: [labNat({ ipv4: { address: '192.168.1.1/24' } })] }), host())).toEqual([
      { path: 'networks[0].ipv4.address', message: '192.168.1.0/24 overlaps 192.168.1.20/24 on enp3s0 on the host' },
    ]);
    // A /32 on a tunnel is still an address the subnet would shadow.
    expect(validateVmNetworks(spec({ networks: [labNat({ ipv4: { address: '10.99.0.1/16' } })] }), host())).toEqual([
      { path: 'networks[0].ipv4.address', message: '10.99.0.0/16 overlaps 10.99.0.2/32 on wg0 on the host' },
    ]);
  });
  it("with a libvirt network that is not this spec's, running or not, reported once", () => {
    expect(
      validateVmNetworks(spec({ networks: [labNat({ ipv4: { address: '192.168.122.50/24' } })] }), host()),
    ).toEqual([
      {
        path: 'networks[0].ipv4.address',
        message: '192.168.122.0/24 overlaps 192.168.122.1/24 of libvirt network default on the host',
      },
    ]);
    const other = libvirtNet('other', {
      active: false,
      owner: 'other-spec',
      ips: [{ family: 'ipv4', address: '192.168.150.1', prefix: 24, dhcpRanges: [] }],
    });
    expect(validateVmNetworks(spec({ networks: [labNat()] }), host({ networks: [other] }))).toEqual([
      {
        path: 'networks[0].ipv4.address',
        message: '192.168.150.0/24 overlaps 192.168.150.1/24 of libvirt network other on the host',
      },
    ]);
  });
  it('not with its own network as applied (owned, same name, its bridge carrying the address)', () => {
    const applied = host({
      networks: [
        libvirtNet('lab-nat', {
          owner: 'ws',
          bridge: 'virbr-lab',
          ips: [{ family: 'ipv4', address: '192.168.150.1', prefix: 24, dhcpRanges: [] }],
        }),
      ],
    });
    applied.links.push(
      link('virbr-lab', 'bridge', { addresses: [{ family: 'inet', address: '192.168.150.1', prefixLength: 24 }] }),
    );
    expect(validateVmNetworks(spec({ networks: [labNat()] }), applied)).toEqual([]);
  });
  it('a switch address on the switch itself is not an overlap', () => {
    const h = host();
    h.links.push(link('br-lan', 'bridge', { addresses: [{ family: 'inet', address: '10.10.0.1', prefixLength: 24 }] }));
    expect(validateVmNetworks(spec({}), h)).toEqual([]);
  });
});

describe('DHCP ranges and reservations of a libvirt network', () => {
  const dhcp = (d: Record<string, unknown>) =>
    spec({ networks: [labNat({ ipv4: { address: '192.168.150.1/24', dhcp: d } })] });
  const at = 'networks[0].ipv4.dhcp';
  it('a range outside the subnet, or reaching the broadcast address', () => {
    expect(
      validateVmNetworks(
        dhcp({
          ranges: [
            { start: '192.168.150.100', end: '192.168.151.10' },
            { start: '192.168.150.200', end: '192.168.150.255' },
          ],
        }),
        host(),
      ),
    ).toEqual([
      {
        path: `${at}.ranges[0].end`,
        message: '192.168.151.10 is outside the subnet of network lab-nat (192.168.150.0/24)',
      },
      {
        path: `${at}.ranges[1].end`,
        message: '192.168.150.255 is outside the subnet of network lab-nat (192.168.150.0/24)',
      },
    ]);
  });
  it('a range with start after end', () => {
    expect(
      validateVmNetworks(dhcp({ ranges: [{ start: '192.168.150.199', end: '192.168.150.100' }] }), host()),
    ).toEqual([{ path: `${at}.ranges[0].end`, message: '192.168.150.100 comes before start 192.168.150.199' }]);
  });
  it('ranges that overlap, or include the network address itself', () => {
    expect(
      validateVmNetworks(
        dhcp({
          ranges: [
            { start: '192.168.150.100', end: '192.168.150.150' },
            { start: '192.168.150.150', end: '192.168.150.160' },
            { start: '192.168.150.1', end: '192.168.150.9' },
          ],
        }),
        host(),
      ),
    ).toEqual([
      { path: `${at}.ranges[1]`, message: `overlaps ${at}.ranges[0]` },
      { path: `${at}.ranges[2]`, message: 'includes 192.168.150.1, the address of network lab-nat itself' },
    ]);
  });
  it('reservations outside the subnet or on the network address', () => {
    expect(
      validateVmNetworks(
        dhcp({
          hosts: [
            { mac: '52:54:00:00:00:10', ip: '192.168.15.10' },
            { mac: '52:54:00:00:00:11', ip: '192.168.150.1' },
          ],
        }),
        host(),
      ),
    ).toEqual([
      {
        path: `${at}.hosts[0].ip`,
        message: '192.168.15.10 is outside the subnet of network lab-nat (192.168.150.0/24)',
      },
      { path: `${at}.hosts[1].ip`, message: '192.168.150.1 is the address of network lab-nat itself' },
    ]);
  });
  it('a duplicate MAC, IP or name reservation', () => {
    const hosts = [
      { mac: '52:54:00:00:00:10', name: 'web', ip: '192.168.150.10' },
      { mac: '52:54:00:00:00:10', name: 'web2', ip: '192.168.150.11' },
      { mac: '52:54:00:00:00:12', name: 'web', ip: '192.168.150.10' },
    ];
    expect(validateVmNetworks(dhcp({ hosts }), host())).toEqual([
      { path: `${at}.hosts[1].mac`, message: `52:54:00:00:00:10 is already reserved at ${at}.hosts[0]` },
      {
        path: `${at}.hosts[2].ip`,
        message: `192.168.150.10 is already reserved for 52:54:00:00:00:10 at ${at}.hosts[0]`,
      },
      { path: `${at}.hosts[2].name`, message: `host name web is already used at ${at}.hosts[0]` },
    ]);
  });
  it('a reservation inside a dynamic range is allowed, with a warning', () => {
    const s = dhcp({
      ranges: [{ start: '192.168.150.100', end: '192.168.150.199' }],
      hosts: [{ mac: '52:54:00:00:00:10', ip: '192.168.150.150' }],
    });
    expect(validateVmNetworks(s, host())).toEqual([]);
    expect(vmNetworkWarnings(s, host())).toEqual([
      { path: `${at}.hosts[0].ip`, message: expect.stringContaining(`inside the dynamic range ${at}.ranges[0]`) },
    ]);
  });
});

describe('networks: names and bridges', () => {
  it("a name taken by a foreign network or another spec's", () => {
    const s = spec({ networks: [labNat({ name: 'default', ipv4: { address: '192.168.150.1/24' } })] });
    expect(validateVmNetworks(s, host())).toEqual([
      { path: 'networks[0].name', message: 'libvirt network default already exists and is not managed by NovaNet' },
    ]);
    const theirs = host({ networks: [libvirtNet('lab-nat', { owner: 'other' })] });
    expect(validateVmNetworks(spec({ networks: [labNat()] }), theirs)).toEqual([
      { path: 'networks[0].name', message: 'libvirt network lab-nat already exists and belongs to spec other' },
    ]);
  });
  it('defined twice; two networks on one bridge; a bridge that exists or is a switch', () => {
    const s = spec({
      networks: [
        labNat(),
        labNat({ ipv4: undefined, mode: 'isolated' }),
        labNat({ name: 'x', ipv4: undefined, mode: 'isolated', bridge: 'virbr0' }),
        labNat({ name: 'y', ipv4: undefined, mode: 'open', bridge: 'br-lan' }),
      ],
    });
    expect(validateVmNetworks(s, host())).toEqual([
      { path: 'networks[1].name', message: 'network lab-nat is already defined at networks[0]' },
      { path: 'networks[1].bridge', message: 'bridge virbr-lab is already used by networks[0]' },
      { path: 'networks[2].bridge', message: 'virbr0 is the bridge of libvirt network default' },
      {
        path: 'networks[3].bridge',
        message:
          'br-lan is a switch of this spec; libvirt creates its own bridge for mode open (use mode bridge to attach to a switch)',
      },
    ]);
    expect(validateVmNetworks(spec({ networks: [labNat({ bridge: 'br-foreign' })] }), host())).toEqual([
      { path: 'networks[0].bridge', message: 'br-foreign already exists on the host' },
    ]);
  });
  it('mode bridge points at a spec switch or an existing bridge', () => {
    const ok = spec({
      networks: [
        { name: 'lan', mode: 'bridge', bridge: 'br-lan' },
        { name: 'ext', mode: 'bridge', bridge: 'ovs-ext' },
        { name: 'f', mode: 'bridge', bridge: 'br-foreign' },
      ],
    });
    expect(validateVmNetworks(ok, host())).toEqual([]);
    expect(
      validateVmNetworks(spec({ networks: [{ name: 'lan', mode: 'bridge', bridge: 'br-nope' }] }), host()),
    ).toEqual([
      {
        path: 'networks[0].bridge',
        message: 'no switch named br-nope in switches, and no bridge of that name on the host',
      },
    ]);
  });
});
