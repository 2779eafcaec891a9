/**
 * A workstation for the VM-network tests: enp3s0 on the office LAN (192.168.1.20/24), libvirt's default network
 * (192.168.122.0/24 on virbr0) owned by nobody, a Linux switch br-lan and an OVS switch ovs-dmz in the spec, and
 * two VMs. `spec()` parses the four sections with their schema plus switches with theirs, as the merged
 * NetworkSpec will once the sections are spread into it.
 */
import type { Domain, HostState, LibvirtNetwork } from '../../../shared/model/host-state';
import { switchSchema, type NetworkSpecInput } from '../../../shared/spec/schema';
import { vmNetworkSectionsSchema, type VmNetworkSpecView } from '../../../shared/spec/vm-networks';
import type { z } from 'zod';
import { hostState, link, ovsBridge, veth, withLinuxBridge } from '../plan/sim';

export type SectionsInput = z.input<typeof vmNetworkSectionsSchema>;

export const defaultSwitches: NonNullable<NetworkSpecInput['switches']> = [
  {
    name: 'br-lan',
    uplinks: [],
    addresses: ['10.10.0.1/24'],
    vlanFiltering: true,
    portGroups: [{ name: 'servers', vlan: 10 }, { name: 'plain' }],
  },
  {
    name: 'ovs-dmz',
    type: 'ovs',
    addresses: ['10.30.0.1/24'],
    portGroups: [
      { name: 'dmz', vlan: 30 },
      { name: 'tr', trunk: [10, '20-21'] },
    ],
  },
];

export function spec(sections: SectionsInput, switches = defaultSwitches, name = 'ws'): VmNetworkSpecView {
  return {
    metadata: { name },
    switches: switches.map((s) => switchSchema.parse(s)),
    ...vmNetworkSectionsSchema.parse(sections),
  };
}

export function libvirtNet(name: string, extra: Partial<LibvirtNetwork> & { owner?: string } = {}): LibvirtNetwork {
  return {
    id: `net:${name}`,
    name,
    uuid: `uuid-${name}`,
    active: true,
    persistent: true,
    autostart: true,
    forwardMode: 'nat',
    ips: [],
    portGroups: [],
    ...extra,
  };
}

export function domain(name: string, macs: string[] = []): Domain {
  return {
    id: `vm:${name}`,
    name,
    uuid: `uuid-${name}`,
    state: 'running',
    persistent: true,
    nics: macs.map((mac) => ({ id: `vnic:${name}:${mac}`, mac, type: 'network', source: 'default' })),
  };
}

export function host(extra: { networks?: LibvirtNetwork[]; domains?: Domain[] } = {}): HostState {
  let s = hostState({
    links: [
      veth('enp3s0', { adminUp: true, addresses: [{ family: 'inet', address: '192.168.1.20', prefixLength: 24 }] }),
      link('virbr0', 'bridge', { addresses: [{ family: 'inet', address: '192.168.122.1', prefixLength: 24 }] }),
      link('wg0', 'other', { addresses: [{ family: 'inet', address: '10.99.0.2', prefixLength: 32 }] }),
    ],
    ovsBridges: [ovsBridge('ovs-ext')],
  });
  s = withLinuxBridge(s, 'br-foreign', {});
  return {
    ...s,
    networks: extra.networks ?? [
      libvirtNet('default', {
        bridge: 'virbr0',
        ips: [{ family: 'ipv4', address: '192.168.122.1', prefix: 24, dhcpRanges: [] }],
      }),
    ],
    domains: extra.domains ?? [domain('web01'), domain('db01', ['52:54:00:de:ad:01'])],
  };
}

/** A NAT network on 192.168.150.0/24 as in issue 5, with overrides. */
export function labNat(over: Record<string, unknown> = {}) {
  return {
    name: 'lab-nat',
    mode: 'nat' as const,
    bridge: 'virbr-lab',
    ipv4: {
      address: '192.168.150.1/24',
      dhcp: {
        ranges: [{ start: '192.168.150.100', end: '192.168.150.199', leaseTime: '1h' }],
        hosts: [{ mac: '52:54:00:00:00:10', name: 'web', ip: '192.168.150.10' }],
      },
    },
    dns: { domain: 'lab.internal' },
    ...over,
  };
}

/** The standalone DHCP server of issue 5 on br-lan. */
export const lanDhcp = (over: Record<string, unknown> = {}) => ({
  name: 'lan-dhcp',
  interface: 'br-lan',
  ranges: [{ start: '10.10.0.100', end: '10.10.0.150', leaseTime: '1h' }],
  hosts: [{ mac: '02:00:00:00:00:42', name: 'c2', ip: '10.10.0.42' }],
  options: { router: '10.10.0.1', dns: ['10.10.0.1'] },
  ...over,
});
/** The NAT entry of issue 5. */
export const lanOut = {
  name: 'lan-out',
  sources: ['10.10.0.0/24'],
  outInterface: 'enp3s0',
  portForwards: [{ protocol: 'tcp' as const, port: 8080, to: '10.10.0.42:80' }],
};
