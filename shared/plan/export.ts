/** The objects a spec owns on a host, written back as that spec: `novanet export`, and the editor's starting point. */
import type { HostState } from '../model/host-state';
import type { NetworkSpecInput } from '../spec/schema';
import { linkOwner, ovsBridgeOwner, ovsPortOwner } from './ownership';
import { globalAddresses } from './observed';
import { exportVmnet } from './export-vmnet';
import { exportLibvirt } from './export-libvirt';

type SwitchIn = NonNullable<NetworkSpecInput['switches']>[number];
type GroupIn = NonNullable<SwitchIn['portGroups']>[number];

function groupName(g: GroupIn): string {
  if (g.vlan !== undefined) return `vlan${g.vlan}`;
  return `trunk-${(g.trunk ?? []).join('-')}${g.nativeVlan !== undefined ? `-n${g.nativeVlan}` : ''}`;
}

export function exportSpec(state: HostState, name: string): NetworkSpecInput {
  const owned = state.links.filter((l) => linkOwner(l) === name);
  const ownedNames = new Set(owned.map((l) => l.name));
  const switches: SwitchIn[] = [];

  for (const l of owned.filter((x) => x.kind === 'bridge')) {
    const br = state.bridges.find((b) => b.name === l.name);
    const groups = new Map<string, GroupIn>();
    const ports: NonNullable<SwitchIn['ports']> = [];
    for (const p of br?.ports ?? []) {
      if (ownedNames.has(p.name) && state.links.find((x) => x.name === p.name)?.kind !== 'bridge') continue;
      let g: GroupIn | undefined;
      if (br?.vlanFiltering && p.vlans.length && !(p.vlans.length === 1 && p.vlans[0]?.vid === 1)) {
        const pvid = p.vlans.find((v) => v.pvid && v.untagged);
        const tagged = p.vlans.filter((v) => !v.untagged).map((v) => v.vid);
        g = tagged.length === 0 && pvid ? { vlan: pvid.vid, name: '' } : { trunk: tagged, ...(pvid ? { nativeVlan: pvid.vid } : {}), name: '' };
        g.name = groupName(g);
        groups.set(g.name, g);
      }
      ports.push({ name: p.name, ...(g ? { portGroup: g.name } : {}) });
    }
    switches.push({
      name: l.name,
      type: 'linux',
      addresses: globalAddresses(l),
      mtu: l.mtu,
      ...(br
        ? {
            stp: { enabled: br.stp.enabled, priority: br.stp.priority, forwardDelay: br.stp.forwardDelay, helloTime: br.stp.helloTime, maxAge: br.stp.maxAge },
            vlanFiltering: br.vlanFiltering,
            multicastSnooping: br.multicastSnooping,
            ageingTime: br.ageingTime,
          }
        : {}),
      portGroups: [...groups.values()],
      ports,
      ...bridgedNicFields(state, l),
    });
  }
  for (const b of state.ovsBridges.filter((x) => ovsBridgeOwner(x) === name)) {
    const groups = new Map<string, GroupIn>();
    const ports: NonNullable<SwitchIn['ports']> = [];
    for (const p of b.ports) {
      if (p.name === b.name || ownedNames.has(p.name)) continue;
      let g: GroupIn | undefined;
      if (p.tag !== undefined) g = { name: `vlan${p.tag}`, vlan: p.tag };
      else if (p.trunks.length) g = { name: `trunk-${p.trunks.join('-')}`, trunk: p.trunks };
      if (g) groups.set(g.name, g);
      ports.push({ name: p.name, ...(g ? { portGroup: g.name } : {}), ...(p.interfaces[0]?.type === 'internal' ? { internal: true } : {}) });
    }
    const dev = state.links.find((x) => x.name === b.name);
    switches.push({
      name: b.name,
      type: 'ovs',
      datapath: b.datapathType === 'netdev' ? 'netdev' : 'system',
      addresses: globalAddresses(dev),
      ...(b.failMode === 'secure' || b.failMode === 'standalone' ? { failMode: b.failMode } : {}),
      ...(b.controllers[0] ? { controller: { target: b.controllers[0], ...(b.protocols.length ? { protocols: b.protocols as never } : {}) } } : {}),
      portGroups: [...groups.values()],
      ports,
    });
  }
  const ovsOf = (link: string) => state.ovsBridges.find((b) => ovsBridgeOwner(b) === name && b.ports.some((p) => p.name === link && (ovsPortOwner(p) ?? name) === name));
  return {
    apiVersion: 'novanet/v1',
    kind: 'HostNetwork',
    metadata: { name },
    switches,
    bonds: owned
      .filter((l) => l.kind === 'bond' && typeof l.attributes['bond.mode'] === 'string')
      .map((l) => ({
        name: l.name,
        mode: l.attributes['bond.mode'] as never,
        miimon: Number(l.attributes['bond.miimon'] ?? 100),
        members: state.links.filter((m) => m.master === l.name).map((m) => m.name),
      })),
    mirrors: state.ovsBridges.flatMap((b) =>
      b.mirrors
        .filter((m) => m.externalIds['novanet-owner'] === name && m.outputPort)
        .map((m) => {
          const src = new Set(m.selectSrcPorts);
          const dst = new Set(m.selectDstPorts);
          const sources = [...new Set([...src, ...dst])];
          const direction = sources.every((p) => src.has(p) && dst.has(p)) ? 'both' : sources.every((p) => src.has(p)) ? 'ingress' : 'egress';
          return { name: m.name, switch: b.name, sources, direction: direction as 'both' | 'ingress' | 'egress', vlans: m.selectVlans, output: m.outputPort as string };
        }),
    ),
    ...exportVmnet(state, name),
    ...exportLibvirt(state, name),
    vlans: owned.filter((l) => l.kind === 'vlan' && l.parent && l.vlanId).map((l) => ({ name: l.name, parent: l.parent as string, id: l.vlanId as number })),
    overlays: owned
      .filter((l) => (l.kind === 'vxlan' || l.kind === 'geneve') && l.vxlan)
      .map((l) => {
        const x = l.vxlan!;
        const sw = l.master && ownedNames.has(l.master) ? l.master : ovsOf(l.name)?.name;
        return {
          name: l.name,
          type: l.kind as 'vxlan' | 'geneve',
          vni: x.vni,
          ...(x.local ? { local: x.local } : {}),
          ...(x.remote ? { remote: x.remote } : {}),
          ...(x.group ? { group: x.group } : {}),
          ...(x.dstPort ? { dstPort: x.dstPort } : {}),
          ...(l.kind === 'vxlan' && l.parent ? { dev: l.parent } : {}),
          ...(sw ? { switch: sw } : {}),
        };
      }),
  };
}

/** A bridge that carries a default route took a NIC over ("bridge my NIC"): its MAC and gateway are part of it. */
function bridgedNicFields(state: HostState, l: HostState['links'][number]): { mac?: string; gateway?: string } {
  const route = state.defaultRoutes?.find((r) => r.dev === l.name);
  if (!route) return {};
  return { gateway: route.gateway, ...(l.mac ? { mac: l.mac.toLowerCase() } : {}) };
}
