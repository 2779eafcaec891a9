/** Open vSwitch switches, ports and settings: one transaction's worth of operations, plus the kernel side after. */
import type { HostState, OvsBridge, OvsPort } from '../model/host-state';
import { expandTrunk, type NetworkSpec, type SwitchSpec } from '../spec/schema';
import type { Operation } from './operations';
import { ovsPortOwner, type Owned } from './ownership';
import { PHASE, type StepList } from './step-list';
import type { PlanOptions } from './planner';
import { globalAddresses } from './observed';

interface PortWant {
  tag?: number;
  trunks?: number[];
  internal?: boolean;
}

function desiredPorts(sw: SwitchSpec, spec: NetworkSpec): Map<string, PortWant> {
  const want = new Map<string, PortWant>();
  for (const u of sw.uplinks) want.set(u, {});
  for (const p of sw.ports) {
    const g = sw.portGroups.find((x) => x.name === p.portGroup);
    const w: PortWant = {};
    if (g?.vlan !== undefined) w.tag = g.vlan;
    if (g?.trunk) w.trunks = expandTrunk(g.trunk);
    if (p.internal) w.internal = true;
    want.set(p.name, w);
  }
  for (const o of spec.overlays) if (o.switch === sw.name) want.set(o.name, {});
  return want;
}

const sameList = (a: readonly number[] | undefined, b: readonly number[] | undefined) => (a ?? []).join(',') === (b ?? []).join(',');

function readdPort(bridge: string, p: OvsPort, owner: string, state: HostState): Operation[] {
  const add: Operation = {
    op: 'ovs.port.add',
    bridge,
    name: p.name,
    owner: ovsPortOwner(p) ?? owner,
    ...(p.interfaces[0]?.type === 'internal' ? { internal: true } : {}),
    ...(p.tag !== undefined ? { tag: p.tag } : {}),
    ...(p.trunks.length ? { trunks: p.trunks } : {}),
  };
  return [add, ...upAgain(p.interfaces[0]?.type === 'internal' ? p.name : undefined, state)];
}

/** OVS re-creates its devices down; bring back up what was up. */
function upAgain(device: string | undefined, state: HostState): Operation[] {
  const l = device ? state.links.find((x) => x.name === device) : undefined;
  return l?.adminUp ? [{ op: 'link.set.state', name: l.name, up: true }] : [];
}

function restoreBridge(b: OvsBridge, owner: string, state: HostState): Operation[] {
  const ops: Operation[] = [{ op: 'ovs.br.add', name: b.name, datapath: b.datapathType === 'netdev' ? 'netdev' : 'system', owner, ...(b.failMode === 'secure' || b.failMode === 'standalone' ? { failMode: b.failMode } : {}) }];
  if (b.controllers[0] || b.protocols.length) {
    ops.push({ op: 'ovs.br.set', name: b.name, controller: b.controllers[0] ?? null, protocols: (b.protocols as never[]).length ? (b.protocols as never) : null });
  }
  return [...ops, ...upAgain(b.name, state)];
}

export function planOvs(out: StepList, spec: NetworkSpec, state: HostState, owned: Owned, opts: PlanOptions): void {
  const name = spec.metadata.name;
  const switches = spec.switches.filter((s) => s.type === 'ovs');
  const wanted = new Map(switches.map((s) => [s.name, desiredPorts(s, spec)]));

  const links = new Map(state.links.map((l) => [l.name, l]));
  // Addresses vanish with the OVS devices that carry them; removing them first gives the rollback steps that put
  // them back on the re-created devices.
  const dropAddresses = (bridge: string, device: string) => {
    for (const cidr of globalAddresses(links.get(device))) {
      out.add(PHASE.removeAddresses, `switch ${bridge}`, `Remove address ${cidr} from ${device}`, { op: 'addr.del', dev: device, cidr }, [{ op: 'addr.add', dev: device, cidr }]);
    }
  };

  // Owned bridges that left the spec: their ports first, so the inverse can put them back one by one.
  for (const b of owned.ovsBridges) {
    if (wanted.has(b.name)) continue;
    dropAddresses(b.name, b.name);
    for (const p of b.ports.filter((x) => x.name !== b.name)) {
      if (p.interfaces[0]?.type === 'internal') dropAddresses(b.name, p.name);
      out.add(PHASE.ovsRemove, `switch ${b.name}`, `Remove port ${p.name} from ${b.name}`, { op: 'ovs.port.del', bridge: b.name, name: p.name }, readdPort(b.name, p, name, state));
    }
    out.add(PHASE.ovsRemove, `switch ${b.name}`, `Delete OVS bridge ${b.name}`, { op: 'ovs.br.del', name: b.name }, restoreBridge(b, name, state));
  }
  // Owned ports on other bridges that the spec no longer places there.
  for (const { bridge, port } of owned.ovsPorts) {
    const bridgeGoes = owned.ovsBridges.some((b) => b.name === bridge) && !wanted.has(bridge);
    if (bridgeGoes || wanted.get(bridge)?.has(port.name)) continue;
    if (port.interfaces[0]?.type === 'internal') dropAddresses(bridge, port.name);
    out.add(PHASE.ovsRemove, `switch ${bridge}`, `Remove port ${port.name} from ${bridge}`, { op: 'ovs.port.del', bridge, name: port.name }, readdPort(bridge, port, name, state));
  }

  for (const sw of switches) {
    const obj = `switch ${sw.name}`;
    const b = state.ovsBridges.find((x) => x.name === sw.name);
    const datapath = sw.datapath === 'system' || (sw.datapath !== 'netdev' && opts.ovsKernelDatapath) ? 'system' : 'netdev';
    if (!b) {
      out.add(PHASE.ovs, obj, `Create OVS bridge ${sw.name} (${datapath === 'netdev' ? 'userspace' : 'kernel'} datapath)`, { op: 'ovs.br.add', name: sw.name, datapath, owner: name, ...(sw.failMode ? { failMode: sw.failMode } : {}) }, [{ op: 'ovs.br.del', name: sw.name }]);
      if (sw.controller) {
        out.add(PHASE.ovs, obj, `Connect ${sw.name} to controller ${sw.controller.target}`, { op: 'ovs.br.set', name: sw.name, controller: sw.controller.target, ...(sw.controller.protocols ? { protocols: sw.controller.protocols } : {}) }, []);
      }
    } else {
      if (sw.failMode && sw.failMode !== b.failMode) {
        out.add(PHASE.ovs, obj, `Set ${sw.name} fail mode to ${sw.failMode}`, { op: 'ovs.br.set', name: sw.name, failMode: sw.failMode }, [{ op: 'ovs.br.set', name: sw.name, failMode: (b.failMode as 'secure' | 'standalone' | undefined) ?? null }]);
      }
      const ctl = sw.controller?.target ?? null;
      if (ctl !== (b.controllers[0] ?? null)) {
        out.add(PHASE.ovs, obj, ctl ? `Connect ${sw.name} to controller ${ctl}` : `Disconnect ${sw.name} from its controller`, { op: 'ovs.br.set', name: sw.name, controller: ctl }, [{ op: 'ovs.br.set', name: sw.name, controller: b.controllers[0] ?? null }]);
      }
      const protos = sw.controller?.protocols;
      if (protos && protos.join(',') !== b.protocols.join(',')) {
        out.add(PHASE.ovs, obj, `Set ${sw.name} OpenFlow versions to ${protos.join(', ')}`, { op: 'ovs.br.set', name: sw.name, protocols: protos }, [{ op: 'ovs.br.set', name: sw.name, protocols: b.protocols.length ? (b.protocols as never) : null }]);
      }
    }
    const want = wanted.get(sw.name) ?? new Map<string, PortWant>();
    for (const [port, w] of want) {
      const have = b?.ports.find((p) => p.name === port);
      if (!have) {
        const vlan = w.tag !== undefined ? ` in VLAN ${w.tag}` : w.trunks ? ` trunking ${w.trunks.join(',')}` : '';
        out.add(PHASE.ovs, obj, `Add ${w.internal ? 'internal port' : 'port'} ${port} to ${sw.name}${vlan}`, { op: 'ovs.port.add', bridge: sw.name, name: port, owner: name, ...w }, [{ op: 'ovs.port.del', bridge: sw.name, name: port }]);
      } else if (have.tag !== w.tag || !sameList(have.trunks, w.trunks)) {
        out.add(PHASE.ovs, obj, `Change VLANs of ${port} on ${sw.name}`, { op: 'ovs.port.set', name: port, tag: w.tag ?? null, trunks: w.trunks ?? null }, [{ op: 'ovs.port.set', name: port, tag: have.tag ?? null, trunks: have.trunks.length ? have.trunks : null }]);
      }
      // OVS creates an internal port's device down, also when the port moves here from another bridge.
      if (w.internal && (!have || !links.get(port)?.adminUp)) {
        out.add(PHASE.afterOvs, obj, `Bring ${port} up`, { op: 'link.set.state', name: port, up: true }, have ? [{ op: 'link.set.state', name: port, up: false }] : []);
      }
      // An existing interface placed on the switch carries no traffic while down (as for Linux switch members);
      // overlays are brought up with the overlay.
      const dev = links.get(port);
      if (!w.internal && dev && !dev.adminUp && !spec.overlays.some((o) => o.name === port)) {
        out.add(PHASE.afterOvs, obj, `Bring ${port} up`, { op: 'link.set.state', name: port, up: true }, [{ op: 'link.set.state', name: port, up: false }]);
      }
    }
    // The switch's own interface carries its addresses. Without an OVS bridge yet, a device of that name is the
    // Linux bridge this switch was before (deleted earlier in the plan): the new device starts down and bare.
    const dev = b ? links.get(sw.name) : undefined;
    if (!dev?.adminUp) out.add(PHASE.afterOvs, obj, `Bring ${sw.name} up`, { op: 'link.set.state', name: sw.name, up: true }, dev ? [{ op: 'link.set.state', name: sw.name, up: false }] : []);
    const have = globalAddresses(dev);
    for (const cidr of sw.addresses) {
      if (!have.includes(cidr)) out.add(PHASE.afterOvs, obj, `Add address ${cidr} to ${sw.name}`, { op: 'addr.add', dev: sw.name, cidr }, [{ op: 'addr.del', dev: sw.name, cidr }]);
    }
    if (b) {
      for (const cidr of have) {
        if (!sw.addresses.includes(cidr)) out.add(PHASE.afterOvs, obj, `Remove address ${cidr} from ${sw.name}`, { op: 'addr.del', dev: sw.name, cidr }, [{ op: 'addr.add', dev: sw.name, cidr }]);
      }
    }
  }
}
