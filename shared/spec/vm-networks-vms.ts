/**
 * VM NIC attachments: the VM exists (NovaNet manages NICs of existing domains, never the domains), each NIC names a
 * network, switch and port group that exist, and no MAC is used twice (two NICs with one MAC break switching).
 */
import type { HostState } from '../model/host-state';
import type { VmNetworkSpecView } from './vm-networks-subnets';

type Add = (path: string, message: string) => void;

/** Port group names a NIC may name on a network: the switch's groups for mode bridge, else the network's own. */
function networkGroups(spec: VmNetworkSpecView, state: HostState, name: string): string[] | undefined {
  const n = spec.networks.find((x) => x.name === name);
  if (n) {
    if (n.mode !== 'bridge') return [];
    return (spec.switches ?? []).find((s) => s.name === n.bridge)?.portGroups.map((g) => g.name) ?? [];
  }
  return state.networks.find((x) => x.name === name)?.portGroups.map((g) => g.name);
}

export function validateVms(spec: VmNetworkSpecView, state: HostState, add: Add): void {
  const domains = new Map(state.domains.map((d) => [d.name, d]));
  const seenVm = new Map<string, number>();
  const seenMac = new Map<string, string>();
  const switches = new Map((spec.switches ?? []).map((s) => [s.name, s]));
  const hostBridges = new Set([...state.bridges.map((b) => b.name), ...state.ovsBridges.map((b) => b.name)]);
  spec.vms.forEach((vm, i) => {
    const at = `vms[${i}]`;
    const first = seenVm.get(vm.name);
    if (first !== undefined) add(`${at}.name`, `VM ${vm.name} is already listed at vms[${first}]`);
    else seenVm.set(vm.name, i);
    const dom = domains.get(vm.name);
    if (!dom) add(`${at}.name`, `no libvirt domain named ${vm.name} (NovaNet attaches NICs to existing VMs)`);
    else if (!dom.persistent)
      add(
        `${at}.name`,
        `VM ${vm.name} is transient (it has no definition to keep its NICs in); define it persistently first`,
      );
    else if (dom.owner && dom.owner !== spec.metadata.name)
      add(`${at}.name`, `the NICs of VM ${vm.name} are managed by spec ${dom.owner}; one spec manages a VM's NICs`);
    vm.nics.forEach((nic, j) => {
      const path = `${at}.nics[${j}]`;
      const prevMac = seenMac.get(nic.mac);
      if (prevMac) add(`${path}.mac`, `${nic.mac} is already used by ${prevMac}`);
      else seenMac.set(nic.mac, path);
      const other = state.domains.find(
        (d) => d.name !== vm.name && d.nics.some((x) => x.mac.toLowerCase() === nic.mac),
      );
      if (other) add(`${path}.mac`, `${nic.mac} is already used by a NIC of VM ${other.name}`);
      // A NIC NovaNet did not attach is never changed by it (a domain it manages records the ones it did).
      const mine = dom?.owner === spec.metadata.name;
      if (!mine && dom?.nics.some((x) => x.mac.toLowerCase() === nic.mac))
        add(
          `${path}.mac`,
          `VM ${vm.name} already has a NIC ${nic.mac} that NovaNet did not attach; NovaNet leaves it alone (use another MAC, or detach it first)`,
        );
      if (nic.network) {
        const groups = networkGroups(spec, state, nic.network);
        if (groups === undefined)
          return add(
            `${path}.network`,
            `no network named ${nic.network} (in networks, or an existing libvirt network)`,
          );
        if (nic.portGroup && !groups.includes(nic.portGroup))
          add(`${path}.portGroup`, `network ${nic.network} has no port group ${nic.portGroup}`);
        return;
      }
      const swName = nic.switch ?? '';
      const sw = switches.get(swName);
      if (!sw) {
        if (!hostBridges.has(swName))
          return add(`${path}.switch`, `no switch named ${swName} in switches, and no bridge of that name on the host`);
        if (nic.portGroup)
          add(
            `${path}.portGroup`,
            `${swName} is not a switch of this spec, so it has no port groups; add it to switches`,
          );
        return;
      }
      if (!nic.portGroup) return;
      const g = sw.portGroups.find((x) => x.name === nic.portGroup);
      if (!g) return add(`${path}.portGroup`, `no port group named ${nic.portGroup} on ${swName}`);
      if (sw.type !== 'ovs' && (g.vlan !== undefined || g.trunk) && !sw.vlanFiltering) {
        add(`${path}.portGroup`, `VLAN port groups on a Linux bridge need vlanFiltering: true on ${swName}`);
      }
    });
  });
}
