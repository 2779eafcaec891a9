/**
 * validateVmNetworks, second half: standalone DHCP servers, NAT and port forwards, VM NIC references. Exact issue
 * lists, as in validate-networks.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { validateVmNetworks, vmNetworkWarnings } from '../../../shared/spec/vm-networks';
import { domain, host, labNat, lanDhcp, lanOut, spec } from './support';

describe('standalone DHCP', () => {
  it('an interface with no address, or that does not exist', () => {
    const sw = [{ name: 'br-lan', addresses: [] }];
    expect(validateVmNetworks(spec({ dhcp: [lanDhcp()] }, sw), host())).toEqual([
      {
        path: 'dhcp[0].interface',
        message: 'br-lan carries no IPv4 address; give it one in switches[].addresses so dnsmasq has a subnet to serve',
      },
    ]);
    expect(validateVmNetworks(spec({ dhcp: [lanDhcp({ interface: 'br-nope' })] }), host())).toEqual([
      { path: 'dhcp[0].interface', message: 'br-nope does not exist on the host and is not a switch of this spec' },
    ]);
  });
  it("an interface's address on the host counts when it is not a spec switch", () => {
    const d = lanDhcp({
      interface: 'enp3s0',
      ranges: [{ start: '192.168.1.100', end: '192.168.1.150' }],
      hosts: [],
      options: { router: '192.168.1.1' },
    });
    expect(validateVmNetworks(spec({ dhcp: [d] }), host())).toEqual([]);
  });
  it("a libvirt network's bridge already has libvirt's dnsmasq", () => {
    expect(validateVmNetworks(spec({ dhcp: [lanDhcp({ interface: 'virbr0' })] }), host())[0]).toEqual({
      path: 'dhcp[0].interface',
      message:
        'virbr0 is the bridge of libvirt network default, whose own dnsmasq serves DHCP there (use networks[].ipv4.dhcp)',
    });
  });
  it('ranges, reservations and router must fit the subnet; one server per interface', () => {
    const d = lanDhcp({
      ranges: [{ start: '10.10.1.100', end: '10.10.1.150' }],
      hosts: [{ mac: '02:00:00:00:00:42', ip: '10.10.0.1' }],
      options: { router: '10.20.0.1' },
    });
    expect(validateVmNetworks(spec({ dhcp: [d, lanDhcp({ name: 'second' })] }), host())).toEqual([
      { path: 'dhcp[1].interface', message: 'br-lan already has a DHCP server at dhcp[0] (one dnsmasq per interface)' },
      { path: 'dhcp[0].ranges[0].start', message: '10.10.1.100 is outside the subnet of br-lan (10.10.0.0/24)' },
      { path: 'dhcp[0].ranges[0].end', message: '10.10.1.150 is outside the subnet of br-lan (10.10.0.0/24)' },
      { path: 'dhcp[0].hosts[0].ip', message: '10.10.0.1 is the address of br-lan itself' },
      {
        path: 'dhcp[0].options.router',
        message: '10.20.0.1 is not in a subnet of br-lan (10.10.0.0/24); clients could not reach it',
      },
    ]);
  });
  it('a DNS server on the interface itself is a warning (DHCP-only dnsmasq)', () => {
    expect(vmNetworkWarnings(spec({ dhcp: [lanDhcp({ hosts: [] })] }), host())).toEqual([
      { path: 'dhcp[0].options.dns[0]', message: expect.stringContaining('serves DHCP only') },
    ]);
  });
});

describe('NAT', () => {
  it('a forward to an address in no managed subnet', () => {
    const n = {
      ...lanOut,
      portForwards: [
        { protocol: 'tcp' as const, port: 8080, to: '192.168.1.50:80' },
        { protocol: 'udp' as const, port: 53, to: '10.10.0.255:53' },
      ],
    };
    expect(validateVmNetworks(spec({ nat: [n] }), host())).toEqual([
      {
        path: 'nat[0].portForwards[0].to',
        message:
          '192.168.1.50 is in no subnet NovaNet manages (networks[].ipv4, switches[].addresses, dhcp interfaces)',
      },
      { path: 'nat[0].portForwards[1].to', message: '10.10.0.255 is the network or broadcast address of 10.10.0.0/24' },
    ]);
  });
  it("forwards into a libvirt network of the spec are valid; into a NAT-mode one with a warning (libvirt's firewall)", () => {
    const n = { ...lanOut, portForwards: [{ protocol: 'tcp' as const, port: 8443, to: '192.168.150.10:443' }] };
    const nat = spec({ networks: [labNat()], nat: [n] });
    expect(validateVmNetworks(nat, host())).toEqual([]);
    expect(vmNetworkWarnings(nat, host())).toEqual([
      { path: 'nat[0].portForwards[0].to', message: expect.stringContaining('use mode route or open') },
    ]);
    const routed = spec({ networks: [labNat({ mode: 'route' })], nat: [n] });
    expect(validateVmNetworks(routed, host())).toEqual([]);
    expect(vmNetworkWarnings(routed, host())).toEqual([]);
  });
  it('the same port forwarded twice, an unknown out interface, a duplicate name', () => {
    const n2 = { ...lanOut, outInterface: 'enp9s0' };
    expect(
      validateVmNetworks(
        spec({ nat: [lanOut, { ...lanOut, portForwards: [lanOut.portForwards[0]!] }, { ...n2, name: 'x' }] }),
        host(),
      ),
    ).toEqual([
      { path: 'nat[1].name', message: 'lan-out is already defined at nat[0]' },
      {
        path: 'nat[1].portForwards[0].port',
        message: 'tcp port 8080 on enp3s0 is already forwarded at nat[0].portForwards[0]',
      },
      { path: 'nat[2].outInterface', message: 'enp9s0 does not exist on the host' },
    ]);
  });
});

describe('VM NICs', () => {
  it('a VM that does not exist, listed twice', () => {
    expect(
      validateVmNetworks(spec({ vms: [{ name: 'ghost' }, { name: 'web01' }, { name: 'web01' }] }), host()),
    ).toEqual([
      { path: 'vms[0].name', message: 'no libvirt domain named ghost (NovaNet attaches NICs to existing VMs)' },
      { path: 'vms[2].name', message: 'VM web01 is already listed at vms[1]' },
    ]);
  });
  it('unknown network, switch or port group', () => {
    const nics = [
      { mac: '52:54:00:00:01:01', network: 'nope' },
      { mac: '52:54:00:00:01:02', switch: 'br-nope' },
      { mac: '52:54:00:00:01:03', switch: 'br-lan', portGroup: 'nope' },
      { mac: '52:54:00:00:01:04', network: 'default', portGroup: 'nope' },
      { mac: '52:54:00:00:01:05', switch: 'br-foreign', portGroup: 'x' },
    ];
    expect(validateVmNetworks(spec({ vms: [{ name: 'web01', nics }] }), host())).toEqual([
      {
        path: 'vms[0].nics[0].network',
        message: 'no network named nope (in networks, or an existing libvirt network)',
      },
      {
        path: 'vms[0].nics[1].switch',
        message: 'no switch named br-nope in switches, and no bridge of that name on the host',
      },
      { path: 'vms[0].nics[2].portGroup', message: 'no port group named nope on br-lan' },
      { path: 'vms[0].nics[3].portGroup', message: 'network default has no port group nope' },
      {
        path: 'vms[0].nics[4].portGroup',
        message: 'br-foreign is not a switch of this spec, so it has no port groups; add it to switches',
      },
    ]);
  });
  it("a port group through a bridge-mode network is the switch's", () => {
    const s = spec({
      networks: [{ name: 'dmz', mode: 'bridge', bridge: 'ovs-dmz' }],
      vms: [{ name: 'web01', nics: [{ mac: '52:54:00:00:01:01', network: 'dmz', portGroup: 'tr' }] }],
    });
    expect(validateVmNetworks(s, host())).toEqual([]);
  });
  it('a MAC used twice in the spec or by another VM', () => {
    const s = spec({
      vms: [
        {
          name: 'web01',
          nics: [
            { mac: '52:54:00:00:01:01', switch: 'br-lan' },
            { mac: '52:54:00:de:ad:01', switch: 'br-lan' },
          ],
        },
        { name: 'db01', nics: [{ mac: '52:54:00:00:01:01', switch: 'br-lan' }] },
      ],
    });
    expect(validateVmNetworks(s, host())).toEqual([
      { path: 'vms[0].nics[1].mac', message: '52:54:00:de:ad:01 is already used by a NIC of VM db01' },
      { path: 'vms[1].nics[0].mac', message: '52:54:00:00:01:01 is already used by vms[0].nics[0]' },
    ]);
  });
  it('a VLAN port group on a Linux switch without VLAN filtering', () => {
    const sw = [{ name: 'br-lan', addresses: ['10.10.0.1/24'], portGroups: [{ name: 'servers', vlan: 10 }] }];
    const s = spec(
      { vms: [{ name: 'web01', nics: [{ mac: '52:54:00:00:01:01', switch: 'br-lan', portGroup: 'servers' }] }] },
      sw,
    );
    expect(validateVmNetworks(s, host({ domains: [domain('web01')] }))).toEqual([
      {
        path: 'vms[0].nics[0].portGroup',
        message: 'VLAN port groups on a Linux bridge need vlanFiltering: true on br-lan',
      },
    ]);
  });
});

describe("another spec's DHCP server or NAT table on the same target", () => {
  const ok = { status: 'ok' as const, durationMs: 1 };
  const withVmnet = (vmnet: Partial<NonNullable<ReturnType<typeof host>['vmnet']>>) => ({
    ...host(),
    vmnet: { dnsmasq: [], nft: null, forwarding: null, sources: { dnsmasq: ok, nft: ok, sysctl: ok }, ...vmnet },
  });
  const lab = (owner: string, running = true) => ({
    owner,
    name: 'lab',
    interface: 'br-lan',
    config: lanDhcp(),
    running,
    leaseFile: `/run/novanet/vmnet/host/dnsmasq/${owner}/lab.leases`,
  });

  it('a running dnsmasq of another spec on the interface is named; our own or a dead one is not', () => {
    expect(validateVmNetworks(spec({ dhcp: [lanDhcp()] }), withVmnet({ dnsmasq: [lab('other')] }))).toEqual([
      {
        path: 'dhcp[0].interface',
        message: 'br-lan already has a DHCP server of spec other (lab); one dnsmasq per interface',
      },
    ]);
    expect(validateVmNetworks(spec({ dhcp: [lanDhcp()] }), withVmnet({ dnsmasq: [lab('ws')] }))).toEqual([]);
    expect(validateVmNetworks(spec({ dhcp: [lanDhcp()] }), withVmnet({ dnsmasq: [lab('other', false)] }))).toEqual([]);
  });

  it('the NAT table of another spec is not replaced: the first nat entry says whose it is', () => {
    const nft = { exists: true, masquerade: [], forwards: [], drift: [], owner: 'other' };
    expect(validateVmNetworks(spec({ nat: [lanOut] }), withVmnet({ nft }))).toEqual([
      {
        path: 'nat[0]',
        message: 'the NAT table inet novanet on this target belongs to spec other; put these rules in that spec',
      },
    ]);
    expect(validateVmNetworks(spec({ nat: [lanOut] }), withVmnet({ nft: { ...nft, owner: 'ws' } }))).toEqual([]);
    expect(validateVmNetworks(spec({}), withVmnet({ nft }))).toEqual([]);
  });
});
