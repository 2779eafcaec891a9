/**
 * (HostState, NetworkSpec) -> Plan. Pure: the same inputs give the same steps. Minimal: only what differs.
 * Idempotent: planning a spec against the state it produced gives no steps. Deletes only what the spec owns.
 * Every step carries its inverse, computed from what the host has now, so a rollback restores it exactly.
 */
import type { HostState, Link, LinuxBridge } from '../model/host-state';
import { bondModes, type BondSpec, type NetworkSpec, type SwitchSpec } from '../spec/schema';
import type { Operation, Plan } from './operations';
import { aliasFor, ownedBy } from './ownership';
import { PHASE, StepList } from './step-list';
import { planLinuxBridgeVlans, vlansBack } from './plan-bridge-vlans';
import { planOvs } from './plan-ovs';
import { planMirrors } from './plan-mirrors';
import { planLibvirt } from './plan-libvirt';
import { planDhcp } from './plan-dhcp';
import { planNat } from './plan-nat';
import { globalAddresses } from './observed';
import { planBridgeNic } from './plan-bridge-nic';

export interface PlanOptions {
  /** Datapath for `datapath: auto` OVS switches: 'system' when the kernel has it. */
  ovsKernelDatapath?: boolean;
}

type BridgeOp = Extract<Operation, { op: 'bridge.set' }>;

/** Desired bridge parameters that differ from the observed ones; only what the spec mentions is compared. */
function bridgeDiff(sw: SwitchSpec, br: LinuxBridge | undefined): { want: Partial<BridgeOp>; old: Partial<BridgeOp> } {
  const want: Partial<BridgeOp> = {};
  const old: Partial<BridgeOp> = {};
  const cmp = <K extends keyof BridgeOp>(key: K, desired: BridgeOp[K] | undefined, observed: BridgeOp[K] | undefined) => {
    if (desired !== undefined && desired !== observed) {
      want[key] = desired;
      old[key] = observed;
    }
  };
  cmp('stpState', sw.stp?.enabled, br?.stp.enabled);
  cmp('priority', sw.stp?.priority, br?.stp.priority);
  cmp('forwardDelay', sw.stp?.forwardDelay, br?.stp.forwardDelay);
  cmp('helloTime', sw.stp?.helloTime, br?.stp.helloTime);
  cmp('maxAge', sw.stp?.maxAge, br?.stp.maxAge);
  cmp('vlanFiltering', sw.vlanFiltering, br?.vlanFiltering);
  cmp('multicastSnooping', sw.multicastSnooping, br?.multicastSnooping);
  cmp('ageingTime', sw.ageingTime, br?.ageingTime);
  return { want, old };
}

/** The inverse of taking `member` out of `master`: it goes back in as it is now. */
function rejoinOps(state: HostState, links: Map<string, Link>, member: string, master: string): Operation[] {
  // A bond takes back only members that are down; each comes back up inside it.
  const back: Operation[] =
    links.get(master)?.kind === 'bond' && links.get(member)?.adminUp
      ? [{ op: 'link.set.state', name: member, up: false }, { op: 'link.set.master', name: member, master }, { op: 'link.set.state', name: member, up: true }]
      : [{ op: 'link.set.master', name: member, master }];
  // Leaving a VLAN-filtering bridge drops the port's VLANs; re-enslaved, it would come back with VLAN 1 only.
  return [...back, ...vlansBack(state, member, master)];
}

/** Operations that bring back a link NovaNet is about to delete, as it is now. */
export function recreateOps(l: Link, state: HostState): Operation[] {
  const ops: Operation[] = [];
  if (l.kind === 'bridge') {
    const br = state.bridges.find((b) => b.name === l.name);
    ops.push({
      op: 'link.add.bridge',
      name: l.name,
      mtu: l.mtu,
      stpState: br?.stp.enabled,
      priority: br?.stp.priority,
      forwardDelay: br?.stp.forwardDelay,
      helloTime: br?.stp.helloTime,
      maxAge: br?.stp.maxAge,
      // Off is the kernel default, and naming it at all fails on kernels built without VLAN filtering.
      vlanFiltering: br?.vlanFiltering ? true : undefined,
      multicastSnooping: br?.multicastSnooping,
      ageingTime: br?.ageingTime,
    });
  } else if (l.kind === 'vxlan' && l.vxlan) {
    ops.push({ op: 'link.add.vxlan', name: l.name, vni: l.vxlan.vni, local: l.vxlan.local, remote: l.vxlan.remote, group: l.vxlan.group, dstPort: l.vxlan.dstPort ?? 4789, dev: l.parent });
  } else if (l.kind === 'geneve' && l.vxlan?.remote) {
    ops.push({ op: 'link.add.geneve', name: l.name, vni: l.vxlan.vni, remote: l.vxlan.remote, dstPort: l.vxlan.dstPort ?? 6081 });
  } else if (l.kind === 'bond' && typeof l.attributes['bond.mode'] === 'string' && (bondModes as readonly string[]).includes(l.attributes['bond.mode'])) {
    ops.push({ op: 'link.add.bond', name: l.name, mode: l.attributes['bond.mode'] as BondSpec['mode'], miimon: Number(l.attributes['bond.miimon'] ?? 100) });
  } else if (l.kind === 'vlan' && l.parent && l.vlanId) {
    ops.push({ op: 'link.add.vlan', name: l.name, parent: l.parent, id: l.vlanId });
  } else {
    return [];
  }
  for (const op of ops as Record<string, unknown>[]) for (const k of Object.keys(op)) if (op[k] === undefined) delete op[k];
  if (l.kind !== 'bridge') ops.push({ op: 'link.set.mtu', name: l.name, mtu: l.mtu });
  if (l.alias) ops.push({ op: 'link.set.alias', name: l.name, alias: l.alias as `novanet:${string}` });
  if (l.adminUp) ops.push({ op: 'link.set.state', name: l.name, up: true });
  return ops;
}

function desiredLinkNames(spec: NetworkSpec): Set<string> {
  return new Set([
    ...spec.switches.filter((s) => s.type === 'linux').map((s) => s.name),
    ...spec.vlans.map((v) => v.name),
    ...spec.bonds.map((b) => b.name),
    ...spec.overlays.map((o) => o.name),
  ]);
}

export function plan(state: HostState, spec: NetworkSpec, opts: PlanOptions = {}): Plan {
  const name = spec.metadata.name;
  const alias = aliasFor(name);
  const out = new StepList();
  const links = new Map(state.links.map((l) => [l.name, l]));
  const owned = ownedBy(state, name);
  const desired = desiredLinkNames(spec);

  // Owned links that must go: gone from the spec, or changed in a way only re-creation can apply.
  const replaced = new Set<string>();
  for (const v of spec.vlans) {
    const l = links.get(v.name);
    if (l && owned.links.includes(l) && (l.parent !== v.parent || l.vlanId !== v.id)) replaced.add(v.name);
  }
  for (const b of spec.bonds) {
    const l = links.get(b.name);
    if (l && owned.links.includes(l) && (l.kind !== 'bond' || l.attributes['bond.mode'] !== b.mode)) replaced.add(b.name);
  }
  for (const o of spec.overlays) {
    const l = links.get(o.name);
    const x = l?.vxlan;
    if (l && owned.links.includes(l) && (l.kind !== o.type || x?.vni !== o.vni || x?.remote !== o.remote || x?.local !== o.local || (x?.dstPort ?? 0) !== (o.dstPort ?? (o.type === 'vxlan' ? 4789 : 6081)))) {
      replaced.add(o.name);
    }
  }
  // Membership is undone by the release steps' inverses, which run after every re-creation: a link re-created
  // before its master exists again could not be enslaved.
  const released = new Set<string>();
  // Discovery reports OVS ports with their OVS bridge as master; `ip link set master` only concerns Linux masters
  // (OVS membership is planned, and undone, by planOvs).
  const ovsNames = new Set(state.ovsBridges.map((b) => b.name));
  const linuxMaster = (x: Link | undefined) => (x?.master && !ovsNames.has(x.master) ? x.master : undefined);
  const release = (obj: string, member: string, master: string) => {
    if (released.has(member)) return;
    released.add(member);
    out.add(PHASE.releaseMembers, obj, `Take ${member} out of ${master}`, { op: 'link.set.master', name: member, master: null }, rejoinOps(state, links, member, master));
  };
  for (const l of owned.links) {
    if (desired.has(l.name) && !replaced.has(l.name)) continue;
    const obj = `${l.kind} ${l.name}`;
    const lm = linuxMaster(l);
    if (lm) release(obj, l.name, lm);
    for (const m of state.links.filter((x) => x.master === l.name)) release(obj, m.name, l.name);
    for (const cidr of globalAddresses(l)) {
      out.add(PHASE.removeAddresses, obj, `Remove address ${cidr} from ${l.name}`, { op: 'addr.del', dev: l.name, cidr }, [{ op: 'addr.add', dev: l.name, cidr }]);
    }
    out.add(PHASE.removeLinks, obj, `Delete ${l.kind} ${l.name}`, { op: 'link.del', name: l.name }, recreateOps(l, state));
  }

  // Members that leave a kept switch or bond, released before any switch is planned: a member that moves to
  // another master is then put back to nothing, not to its old master, when the move is undone.
  for (const sw of spec.switches.filter((s) => s.type === 'linux' && links.has(s.name) && !ovsNames.has(s.name))) {
    const members = new Set([...sw.uplinks, ...sw.ports.map((p) => p.name)]);
    // Overlays attached to this switch are planned with the overlay.
    for (const o of spec.overlays) if (o.switch === sw.name) members.add(o.name);
    for (const x of state.links) if (x.master === sw.name && !members.has(x.name)) release(`switch ${sw.name}`, x.name, sw.name);
  }
  for (const b of spec.bonds.filter((x) => links.has(x.name) && !replaced.has(x.name))) {
    for (const x of state.links) if (x.master === b.name && !b.members.includes(x.name)) release(`bond ${b.name}`, x.name, b.name);
  }

  for (const sw of spec.switches.filter((s) => s.type === 'linux')) planLinuxSwitch(out, sw, spec, state, links, alias, { linuxMaster, released });
  for (const v of spec.vlans) {
    const obj = `vlan ${v.name}`;
    const l = links.get(v.name);
    if (!l || replaced.has(v.name)) {
      out.add(PHASE.createLinks, obj, `Create VLAN ${v.name} (id ${v.id} on ${v.parent})`, { op: 'link.add.vlan', name: v.name, parent: v.parent, id: v.id }, [{ op: 'link.del', name: v.name }]);
      out.add(PHASE.configureLinks, obj, `Mark ${v.name} as owned by ${name}`, { op: 'link.set.alias', name: v.name, alias }, []);
    }
    if (!l?.adminUp || replaced.has(v.name)) out.add(PHASE.configureLinks, obj, `Bring ${v.name} up`, { op: 'link.set.state', name: v.name, up: true }, [{ op: 'link.set.state', name: v.name, up: false }]);
  }
  for (const b of spec.bonds) planBond(out, b, state, links, replaced, { linuxMaster, released }, alias);
  for (const o of spec.overlays) {
    const obj = `overlay ${o.name}`;
    const l = links.get(o.name);
    const fresh = !l || replaced.has(o.name);
    if (fresh) {
      const add: Operation =
        o.type === 'vxlan'
          ? { op: 'link.add.vxlan', name: o.name, vni: o.vni, dstPort: o.dstPort ?? 4789, ...(o.local ? { local: o.local } : {}), ...(o.remote ? { remote: o.remote } : {}), ...(o.group ? { group: o.group } : {}), ...(o.dev ? { dev: o.dev } : {}) }
          : { op: 'link.add.geneve', name: o.name, vni: o.vni, remote: o.remote as string, dstPort: o.dstPort ?? 6081 };
      out.add(PHASE.createLinks, obj, `Create ${o.type.toUpperCase()} ${o.name} (VNI ${o.vni}${o.remote ? ` to ${o.remote}` : ''})`, add, [{ op: 'link.del', name: o.name }]);
      out.add(PHASE.configureLinks, obj, `Mark ${o.name} as owned by ${name}`, { op: 'link.set.alias', name: o.name, alias }, []);
    }
    if (fresh || !l?.adminUp) out.add(PHASE.configureLinks, obj, `Bring ${o.name} up`, { op: 'link.set.state', name: o.name, up: true }, [{ op: 'link.set.state', name: o.name, up: false }]);
    const sw = spec.switches.find((s) => s.name === o.switch);
    if (sw?.type === 'linux' && (fresh || linuxMaster(l) !== sw.name)) {
      // Undone in reverse, this runs while a master released earlier in the plan is still gone: nomaster then.
      out.add(PHASE.enslave, obj, `Attach ${o.name} to ${sw.name}`, { op: 'link.set.master', name: o.name, master: sw.name }, [{ op: 'link.set.master', name: o.name, master: fresh || released.has(o.name) ? null : (linuxMaster(l) ?? null) }]);
    }
  }
  // A port re-created or re-enslaved by this plan joins with the kernel's default VLAN, whatever it had before.
  planLinuxBridgeVlans(out, spec, state, new Set([...released, ...replaced]));
  planOvs(out, spec, state, owned, opts);
  planMirrors(out, spec, state, replaced);
  planLibvirt(out, spec, state);
  planDhcp(out, spec, state);
  planNat(out, spec, state);

  return {
    apiVersion: 'novanet/v1',
    spec: name,
    target: state.target,
    steps: out.steps(state.target),
    warnings: [],
  };
}

interface MemberContext {
  linuxMaster: (l: Link | undefined) => string | undefined;
  /** Links this plan takes out of their master before anything else. */
  released: ReadonlySet<string>;
}

function planLinuxSwitch(out: StepList, sw: SwitchSpec, spec: NetworkSpec, state: HostState, links: Map<string, Link>, alias: string, ctx: MemberContext): void {
  const obj = `switch ${sw.name}`;
  // A switch that was OVS and is Linux now: the OVS bridge (ours, or validation refuses) goes in planOvs, before
  // the Linux bridge is created, so its device is not the bridge this switch wants.
  const l = state.ovsBridges.some((b) => b.name === sw.name) ? undefined : links.get(sw.name);
  const br = state.bridges.find((b) => b.name === sw.name);
  const { want, old } = bridgeDiff(sw, l ? br : undefined);
  if (!l) {
    const add: Operation = { op: 'link.add.bridge', name: sw.name, ...(sw.mtu ? { mtu: sw.mtu } : {}), ...want };
    out.add(PHASE.createLinks, obj, `Create Linux bridge ${sw.name}${sw.stp?.enabled ? ' with STP' : ''}`, add, [{ op: 'link.del', name: sw.name }]);
    out.add(PHASE.configureLinks, obj, `Mark ${sw.name} as owned by ${alias.slice(8)}`, { op: 'link.set.alias', name: sw.name, alias: alias as `novanet:${string}` }, []);
  } else {
    if (Object.keys(want).length > 0) {
      const keys = Object.keys(want).join(', ');
      out.add(PHASE.configureLinks, obj, `Change ${sw.name} bridge settings (${keys})`, { op: 'bridge.set', name: sw.name, ...want }, [{ op: 'bridge.set', name: sw.name, ...old }]);
    }
    if (sw.mtu && l.mtu !== sw.mtu) out.add(PHASE.configureLinks, obj, `Set ${sw.name} MTU to ${sw.mtu}`, { op: 'link.set.mtu', name: sw.name, mtu: sw.mtu }, [{ op: 'link.set.mtu', name: sw.name, mtu: l.mtu }]);
  }
  if (!l?.adminUp) out.add(PHASE.configureLinks, obj, `Bring ${sw.name} up`, { op: 'link.set.state', name: sw.name, up: true }, [{ op: 'link.set.state', name: sw.name, up: false }]);

  const members = [...sw.uplinks, ...sw.ports.map((p) => p.name)];
  for (const m of members) {
    const ml = links.get(m);
    const cur = ctx.linuxMaster(ml);
    // A member released earlier in this plan (re-created because it changed) must be put back.
    if (cur !== sw.name || ctx.released.has(m)) {
      const back: Operation[] = ctx.released.has(m) || !cur ? [{ op: 'link.set.master', name: m, master: null }] : rejoinOps(state, links, m, cur);
      out.add(PHASE.enslave, obj, `Add ${m} to ${sw.name}`, { op: 'link.set.master', name: m, master: sw.name }, back);
    }
    if (ml && !ml.adminUp) out.add(PHASE.enslave, obj, `Bring ${m} up`, { op: 'link.set.state', name: m, up: true }, [{ op: 'link.set.state', name: m, up: false }]);
  }
  const have = globalAddresses(l);
  for (const cidr of sw.addresses) {
    if (!have.includes(cidr)) out.add(PHASE.addresses, obj, `Add address ${cidr} to ${sw.name}`, { op: 'addr.add', dev: sw.name, cidr }, [{ op: 'addr.del', dev: sw.name, cidr }]);
  }
  for (const cidr of have) {
    if (!sw.addresses.includes(cidr)) out.add(PHASE.removeAddresses, obj, `Remove address ${cidr} from ${sw.name}`, { op: 'addr.del', dev: sw.name, cidr }, [{ op: 'addr.add', dev: sw.name, cidr }]);
  }
  planBridgeNic(out, sw, state, links, l);
}

function planBond(out: StepList, b: BondSpec, state: HostState, links: Map<string, Link>, replaced: ReadonlySet<string>, ctx: MemberContext, alias: string): void {
  const obj = `bond ${b.name}`;
  const l = links.get(b.name);
  const fresh = !l || replaced.has(b.name);
  if (fresh) {
    out.add(PHASE.createLinks, obj, `Create bond ${b.name} (${b.mode})`, { op: 'link.add.bond', name: b.name, mode: b.mode, miimon: b.miimon }, [{ op: 'link.del', name: b.name }]);
    out.add(PHASE.configureLinks, obj, `Mark ${b.name} as owned by ${alias.slice(8)}`, { op: 'link.set.alias', name: b.name, alias: alias as `novanet:${string}` }, []);
  }
  for (const m of b.members) {
    const ml = links.get(m);
    const cur = ctx.linuxMaster(ml);
    if (cur === b.name && !fresh) continue;
    // The kernel enslaves only members that are down; each comes back up inside the bond.
    if (ml?.adminUp) out.add(PHASE.configureLinks, obj, `Take ${m} down to join ${b.name}`, { op: 'link.set.state', name: m, up: false }, [{ op: 'link.set.state', name: m, up: true }]);
    out.add(PHASE.configureLinks, obj, `Add ${m} to bond ${b.name}`, { op: 'link.set.master', name: m, master: b.name }, [{ op: 'link.set.master', name: m, master: ctx.released.has(m) ? null : (cur ?? null) }]);
    out.add(PHASE.configureLinks, obj, `Bring ${m} up`, { op: 'link.set.state', name: m, up: true }, [{ op: 'link.set.state', name: m, up: false }]);
  }
  if (fresh || !l?.adminUp) out.add(PHASE.configureLinks, obj, `Bring ${b.name} up`, { op: 'link.set.state', name: b.name, up: true }, [{ op: 'link.set.state', name: b.name, up: false }]);
}
