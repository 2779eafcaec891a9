/**
 * A spec's libvirt networks and VM NICs as found on the host, written back as its `networks` and `vms` sections
 * (export): the networks whose owner mark names the spec, and on each VM the NICs its metadata says NovaNet
 * attached. Planning the export against the same host is empty.
 */
import type { HostState } from '../model/host-state';
import type { NetworkSpecInput } from '../spec/schema';
import { parseNetworkXml } from './libvirt-xml';
import { parseDomainInterfaces, parseNicMetadata } from './libvirt-interface-xml';

type NetIn = NonNullable<NetworkSpecInput['networks']>[number];
type VmIn = NonNullable<NetworkSpecInput['vms']>[number];
type NicIn = NonNullable<VmIn['nics']>[number];

function networks(state: HostState, name: string): NetIn[] {
  return state.networks.flatMap((n) => {
    if (n.owner !== name || !n.xml) return [];
    try {
      const m = parseNetworkXml(n.xml);
      // Port groups and the OVS virtualport come from the switch (switches[].portGroups), not from the network.
      return [
        {
          name: m.name,
          mode: m.mode,
          ...(m.bridge ? { bridge: m.bridge } : {}),
          ...(m.ipv4 && m.mode !== 'bridge' ? { ipv4: m.ipv4 } : {}),
          ...(m.dns ? { dns: m.dns } : {}),
          ...(m.description ? { description: m.description } : {}),
          autostart: n.autostart,
        },
      ];
    } catch {
      return [];
    }
  });
}

function vms(state: HostState, name: string): VmIn[] {
  return state.domains.flatMap((d) => {
    if (d.owner !== name || !d.xml) return [];
    try {
      const meta = parseNicMetadata(d.xml);
      const ifaces = parseDomainInterfaces(d.xml);
      const nics = (meta?.nics ?? []).flatMap((r): NicIn[] => {
        const i = ifaces.find((x) => x.mac === r.mac);
        if (!i) return [];
        if ('network' in i.source)
          return [
            {
              mac: i.mac,
              network: i.source.network,
              ...(i.source.portGroup ? { portGroup: i.source.portGroup } : {}),
              model: i.model,
            },
          ];
        return [
          { mac: i.mac, switch: i.source.bridge, ...(r.portGroup ? { portGroup: r.portGroup } : {}), model: i.model },
        ];
      });
      return [{ name: d.name, nics }];
    } catch {
      return [];
    }
  });
}

export function exportLibvirt(state: HostState, name: string): Pick<NetworkSpecInput, 'networks' | 'vms'> {
  return { networks: networks(state, name), vms: vms(state, name) };
}
