/**
 * Which device to capture on for a node of the topology graph. A VM NIC is its tap, a switch its bridge device,
 * an OVS port its interface, a libvirt network its bridge. A port group spans several ports: one tcpdump sees one
 * device, so a group is capturable directly only when it has exactly one port; otherwise on the output of a mirror
 * (OVS, or tc mirred on a Linux bridge) that copies every one of its ports in both directions.
 */
import type { HostState } from '../../../shared/model/host-state';
import { ValidationError } from '../../../shared/ipc/errors';
import { bridgePortGroupName, ovsPortGroupName } from '../../../shared/model/port-groups';
import { mirrorOutputFor } from './mirror-output';

export interface CaptureDevice {
  interface: string;
  /** Set when the device lives in another namespace than the snapshot's target (a veth peer). */
  netns?: string;
  /** What the user picked, for messages and the capture list. */
  label: string;
}

/** The members of a port group named as in shared/model/port-groups.ts (the stats series use the same names). */
function portGroupMembers(state: HostState, owner: string, group: string): string[] {
  const ovs = state.ovsBridges.find((b) => b.name === owner);
  if (ovs) {
    return ovs.ports
      .filter((p) => p.name !== ovs.name && ovsPortGroupName(p) === group)
      .map((p) => p.interfaces[0]?.name ?? p.name);
  }
  const br = state.bridges.find((b) => b.name === owner);
  if (br) return br.ports.filter((p) => bridgePortGroupName(br, p) === group).map((p) => p.name);
  // A libvirt network's port group: the running NICs that name it.
  const net = state.networks.find((n) => n.name === owner);
  if (net) {
    return state.domains.flatMap((d) =>
      d.nics
        .filter((n) => n.type === 'network' && n.source === owner && n.portGroup === group && n.target)
        .map((n) => n.target as string),
    );
  }
  throw new ValidationError(`nodeId: no switch or network named ${owner}`);
}

export function resolveNode(state: HostState, nodeId: string): CaptureDevice {
  const has = (name: string) => state.links.some((l) => l.name === name);
  const device = (name: string, label: string): CaptureDevice => {
    if (!has(name)) throw new ValidationError(`nodeId: ${label} has no device ${name} on this host now`);
    return { interface: name, label };
  };

  const link = state.links.find((l) => l.id === nodeId);
  if (link) return { interface: link.name, label: link.name };

  for (const d of state.domains) {
    if (d.id === nodeId) {
      const running = d.nics.filter((n) => n.target && has(n.target));
      if (running.length === 1) return device(running[0]?.target as string, `VM ${d.name}`);
      if (running.length === 0)
        throw new ValidationError(`nodeId: VM ${d.name} has no running network card to capture on`);
      throw new ValidationError(`nodeId: VM ${d.name} has ${running.length} network cards; pick one`);
    }
    const nic = d.nics.find((n) => n.id === nodeId);
    if (nic) {
      if (!nic.target)
        throw new ValidationError(
          `nodeId: network card ${nic.mac} of VM ${d.name} has no host device (is the VM running?)`,
        );
      return device(nic.target, `VM ${d.name} NIC ${nic.mac}`);
    }
  }

  const ovs = state.ovsBridges.find((b) => b.id === nodeId);
  if (ovs) return device(ovs.name, `switch ${ovs.name}`);
  if (nodeId.startsWith('ovsport:')) {
    const [, bridge, port] = nodeId.split(':');
    const p = state.ovsBridges.find((b) => b.name === bridge)?.ports.find((x) => x.name === port);
    if (!p) throw new ValidationError(`nodeId: no OVS port ${port} on ${bridge}`);
    return device(p.interfaces[0]?.name ?? p.name, `OVS port ${port}`);
  }

  const net = state.networks.find((n) => n.id === nodeId);
  if (net) {
    if (!net.bridge) throw new ValidationError(`nodeId: network ${net.name} has no bridge device`);
    return device(net.bridge, `network ${net.name}`);
  }

  if (nodeId.startsWith('pg:')) {
    const [, owner = '', ...rest] = nodeId.split(':');
    const group = rest.join(':');
    const members = portGroupMembers(state, owner, group);
    const label = `port group ${group} on ${owner}`;
    if (members.length === 1) return device(members[0] as string, label);
    if (members.length === 0) throw new ValidationError(`nodeId: ${label} has no ports to capture on`);
    // One tcpdump sees one device: several ports are seen together only where a mirror copies them all.
    const output = mirrorOutputFor(state, members);
    if (output) return device(output, `${label} (mirror to ${output})`);
    throw new ValidationError(
      `nodeId: ${label} has ${members.length} ports; capturing on all of them needs a mirror of those ports in both directions (spec section mirrors), then capture on the group again`,
    );
  }

  // A veth end in another namespace: `link:NS:NAME`, drawn as a remote node.
  const remote = /^link:([^:]+):(.+)$/.exec(nodeId);
  if (remote && remote[1] !== (state.target.netns ?? ''))
    return { interface: remote[2] as string, netns: remote[1] as string, label: `${remote[2]} in ${remote[1]}` };
  if (nodeId.startsWith('ns:'))
    throw new ValidationError('nodeId: a namespace is not a device; pick one of its interfaces');
  throw new ValidationError(`nodeId: ${nodeId} is not on the graph of this host now`);
}
