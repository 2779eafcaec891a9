/**
 * An in-memory host for planner tests: HostState builders, a small interpreter that applies one typed Operation
 * the way the kernel / OVS would (and as discovery would then report it), and a canonical projection for
 * "exactly as before" comparisons. The interpreter is strict: an operation the real tool would refuse (a name that
 * already exists, a master that does not, deleting an address that is not there) throws, so a plan that only works
 * by luck fails here.
 */
import type { HostState, Link, LinkKind, LinuxBridge, OvsBridge, OvsPort } from '../../../shared/model/host-state';
import type { Operation, Plan } from '../../../shared/plan/operations';
import { globalAddresses } from '../../../shared/plan/observed';
import { canonicalTc, dropTcOf, mutateTc } from './sim-tc';
import { mutateLibvirt } from './sim-libvirt';
import { canonicalRoutes, dropUnreachableRoutes, mutateBridgeNic } from './sim-bridge-nic';

export class SimError extends Error {}

/** Kernel defaults of a new Linux bridge, as `ip -d link` reports them (times in seconds). */
export const BRIDGE_DEFAULTS = { priority: 32768, forwardDelay: 15, helloTime: 2, maxAge: 20, ageingTime: 300 };

export function link(name: string, kind: LinkKind, extra: Partial<Link> = {}): Link {
  return {
    id: `link::${name}`,
    ifindex: 0,
    name,
    kind,
    kernelKind: kind === 'physical' || kind === 'loopback' ? '' : kind,
    mtu: 1500,
    operState: extra.adminUp ? 'up' : 'down',
    adminUp: false,
    carrier: false,
    addresses: [],
    attributes: {},
    ...extra,
  };
}

export const veth = (name: string, extra: Partial<Link> = {}) => link(name, 'veth', extra);

export function linuxBridge(name: string, extra: Partial<LinuxBridge> = {}): LinuxBridge {
  return {
    id: `link::${name}`,
    name,
    stp: { enabled: false, priority: BRIDGE_DEFAULTS.priority, forwardDelay: BRIDGE_DEFAULTS.forwardDelay, helloTime: BRIDGE_DEFAULTS.helloTime, maxAge: BRIDGE_DEFAULTS.maxAge },
    vlanFiltering: false,
    multicastSnooping: true,
    ageingTime: BRIDGE_DEFAULTS.ageingTime,
    ports: [],
    ...extra,
  };
}

export function ovsPort(name: string, extra: Partial<OvsPort> & { type?: string } = {}): OvsPort {
  const { type, ...rest } = extra;
  return { uuid: `port-${name}`, name, trunks: [], interfaces: [{ name, type: type ?? 'system', options: {}, externalIds: {} }], externalIds: {}, ...rest };
}

export function ovsBridge(name: string, extra: Partial<OvsBridge> = {}): OvsBridge {
  return {
    id: `ovs:${name}`,
    uuid: `br-${name}`,
    name,
    datapathType: 'netdev',
    controllers: [],
    protocols: [],
    externalIds: {},
    ports: [ovsPort(name, { type: 'internal' })],
    mirrors: [],
    ...extra,
  };
}

export function hostState(parts: Partial<Pick<HostState, 'links' | 'bridges' | 'ovsBridges' | 'capabilities' | 'target'>> & { ovs?: 'ok' | 'error' } = {}): HostState {
  const ok = { status: 'ok' as const, durationMs: 0 };
  const links = parts.links ?? [];
  return {
    target: parts.target ?? { netns: 'sim' },
    takenAt: '2025-01-01T00:00:00.000Z',
    namespaces: [],
    links: links.some((l) => l.name === 'lo') ? links : [link('lo', 'loopback', { mtu: 65536, adminUp: true }), ...links],
    bridges: parts.bridges ?? [],
    ovsBridges: parts.ovsBridges ?? [],
    networks: [],
    domains: [],
    ...(parts.capabilities ? { capabilities: parts.capabilities } : {}),
    sources: {
      netns: ok,
      ip: ok,
      bridge: ok,
      ovs: parts.ovs === 'error' ? { status: 'error', message: 'database connection failed (No such file or directory)', durationMs: 0 } : ok,
      libvirt: { status: 'skipped', durationMs: 0 },
    },
  };
}

/** A Linux bridge as it appears in discovery: the link plus the bridge record, with `ports` enslaved. */
export function withLinuxBridge(state: HostState, name: string, opts: { alias?: string; ports?: string[]; up?: boolean; bridge?: Partial<LinuxBridge> } = {}): HostState {
  const s = structuredClone(state);
  s.links.push(link(name, 'bridge', { alias: opts.alias, adminUp: opts.up ?? true }));
  s.bridges.push(linuxBridge(name, opts.bridge));
  for (const p of opts.ports ?? []) {
    let l = s.links.find((x) => x.name === p);
    if (!l) s.links.push((l = veth(p, { adminUp: true })));
    l.master = name;
  }
  refreshBridgePorts(s);
  return s;
}

function refreshBridgePorts(s: HostState): void {
  const byMaster = new Map<string, Link[]>();
  for (const l of s.links) if (l.master) byMaster.set(l.master, [...(byMaster.get(l.master) ?? []), l]);
  for (const b of s.bridges) {
    const old = new Map(b.ports.map((p) => [p.name, p]));
    // The kernel gives every new port the default VLAN 1 (PVID, untagged), whether or not the bridge filters yet.
    b.ports = (byMaster.get(b.name) ?? []).map((l) => old.get(l.name) ?? { name: l.name, state: 'forwarding', vlans: [{ vid: 1, pvid: true, untagged: true }] });
  }
}

const findLink = (s: HostState, name: string) => s.links.find((l) => l.name === name);
function mustLink(s: HostState, name: string, what: string): Link {
  const l = findLink(s, name);
  if (!l) throw new SimError(`${what}: Cannot find device "${name}"`);
  return l;
}
function mustBeNew(s: HostState, name: string, what: string): void {
  if (findLink(s, name)) throw new SimError(`${what}: RTNETLINK answers: File exists (${name})`);
}
function ovsPortAnywhere(s: HostState, name: string): { b: OvsBridge; p: OvsPort } | undefined {
  for (const b of s.ovsBridges) for (const p of b.ports) if (p.name === name) return { b, p };
  return undefined;
}
function splitCidr(cidr: string): { family: 'inet' | 'inet6'; address: string; prefixLength: number } {
  const [address, prefix] = cidr.split('/') as [string, string];
  return { family: address.includes(':') ? 'inet6' : 'inet', address, prefixLength: Number(prefix) };
}
const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Removes a link as the kernel does: its ports are released, VLANs on it go with it. */
function deleteLink(s: HostState, name: string): void {
  dropTcOf(s, name);
  s.links = s.links.filter((l) => l.name !== name);
  s.bridges = s.bridges.filter((b) => b.name !== name);
  for (const l of s.links) if (l.master === name) delete l.master;
  for (const child of s.links.filter((l) => l.kind === 'vlan' && l.parent === name)) deleteLink(s, child.name);
}

/** Applies one operation to a copy of `state`. Throws SimError where the real tool would fail. */
export function applyOp(state: HostState, op: Operation): HostState {
  const s = structuredClone(state);
  mutate(s, op);
  return s;
}

/** Applies one operation in place. */
function mutate(s: HostState, op: Operation): void {
  if (mutateTc(s, op)) return;
  if (mutateLibvirt(s, op)) return;
  if (mutateBridgeNic(s, op)) return;
  const what = op.op;
  switch (op.op) {
    case 'link.add.bridge': {
      mustBeNew(s, op.name, what);
      s.links.push(link(op.name, 'bridge', { mtu: op.mtu ?? 1500 }));
      s.bridges.push(
        linuxBridge(op.name, {
          stp: clean({
            enabled: op.stpState ?? false,
            priority: op.priority ?? BRIDGE_DEFAULTS.priority,
            forwardDelay: op.forwardDelay ?? BRIDGE_DEFAULTS.forwardDelay,
            helloTime: op.helloTime ?? BRIDGE_DEFAULTS.helloTime,
            maxAge: op.maxAge ?? BRIDGE_DEFAULTS.maxAge,
          }),
          vlanFiltering: op.vlanFiltering ?? false,
          multicastSnooping: op.multicastSnooping ?? true,
          ageingTime: op.ageingTime ?? BRIDGE_DEFAULTS.ageingTime,
        }),
      );
      break;
    }
    case 'link.add.vxlan':
      mustBeNew(s, op.name, what);
      if (op.dev) mustLink(s, op.dev, what);
      s.links.push(link(op.name, 'vxlan', clean({ parent: op.dev, vxlan: clean({ vni: op.vni, local: op.local, remote: op.remote, group: op.group, dstPort: op.dstPort }) })));
      break;
    case 'link.add.geneve':
      mustBeNew(s, op.name, what);
      s.links.push(link(op.name, 'geneve', { vxlan: { vni: op.vni, remote: op.remote, dstPort: op.dstPort } }));
      break;
    case 'link.add.vlan':
      mustBeNew(s, op.name, what);
      mustLink(s, op.parent, what);
      s.links.push(link(op.name, 'vlan', { parent: op.parent, vlanId: op.id }));
      break;
    case 'link.add.bond':
      mustBeNew(s, op.name, what);
      s.links.push(link(op.name, 'bond', { attributes: { 'bond.mode': op.mode, 'bond.miimon': op.miimon } }));
      break;
    case 'link.del':
      mustLink(s, op.name, what);
      deleteLink(s, op.name);
      break;
    case 'link.set.mtu':
      mustLink(s, op.name, what).mtu = op.mtu;
      break;
    case 'link.set.master': {
      const l = mustLink(s, op.name, what);
      if (op.master === null) delete l.master;
      else {
        const m = mustLink(s, op.master, what);
        if (m.kind !== 'bridge' && m.kind !== 'bond') throw new SimError(`${what}: ${op.master} is not a Linux bridge or bond`);
        // As the planner assumes (planBond): the kernel enslaves only members that are down.
        if (m.kind === 'bond' && l.adminUp) throw new SimError(`${what}: ${op.name} is up; a bond takes only members that are down`);
        if (ovsPortAnywhere(s, op.name)) throw new SimError(`${what}: ${op.name} is an OVS port (Device or resource busy)`);
        l.master = op.master;
      }
      break;
    }
    case 'link.set.state':
      mustLink(s, op.name, what).adminUp = op.up;
      break;
    case 'link.set.alias': {
      const l = mustLink(s, op.name, what);
      if (op.alias) l.alias = op.alias;
      else delete l.alias;
      break;
    }
    case 'bridge.set': {
      mustLink(s, op.name, what);
      const b = s.bridges.find((x) => x.name === op.name);
      if (!b) throw new SimError(`${what}: ${op.name} is not a bridge`);
      if (op.stpState !== undefined) b.stp.enabled = op.stpState;
      if (op.priority !== undefined) b.stp.priority = op.priority;
      if (op.forwardDelay !== undefined) b.stp.forwardDelay = op.forwardDelay;
      if (op.helloTime !== undefined) b.stp.helloTime = op.helloTime;
      if (op.maxAge !== undefined) b.stp.maxAge = op.maxAge;
      if (op.vlanFiltering !== undefined) b.vlanFiltering = op.vlanFiltering;
      if (op.multicastSnooping !== undefined) b.multicastSnooping = op.multicastSnooping;
      if (op.ageingTime !== undefined) b.ageingTime = op.ageingTime;
      break;
    }
    case 'addr.add': {
      const l = mustLink(s, op.dev, what);
      if (globalAddresses(l).includes(op.cidr)) throw new SimError(`${what}: RTNETLINK answers: File exists (${op.cidr})`);
      l.addresses.push({ ...splitCidr(op.cidr), scope: 'global' });
      break;
    }
    case 'addr.del': {
      const l = mustLink(s, op.dev, what);
      const i = l.addresses.findIndex((a) => `${a.address}/${a.prefixLength}` === op.cidr);
      if (i < 0) throw new SimError(`${what}: RTNETLINK answers: Cannot assign requested address (${op.cidr})`);
      l.addresses.splice(i, 1);
      dropUnreachableRoutes(s, op.dev);
      break;
    }
    case 'bridge.vlan.add':
    case 'bridge.vlan.del': {
      const l = mustLink(s, op.dev, what);
      const p = s.bridges.find((b) => b.name === l.master)?.ports.find((x) => x.name === op.dev);
      if (!p) throw new SimError(`${what}: ${op.dev} is not a bridge port`);
      const rest = p.vlans.filter((v) => v.vid !== op.vid);
      if (op.op === 'bridge.vlan.del') {
        if (rest.length === p.vlans.length) throw new SimError(`${what}: VLAN ${op.vid} not on ${op.dev}`);
        p.vlans = rest;
      } else {
        // The kernel keeps one PVID per port: setting a new one clears the flag elsewhere.
        p.vlans = [...(op.pvid ? rest.map((v) => ({ ...v, pvid: false })) : rest), { vid: op.vid, pvid: op.pvid, untagged: op.untagged }].sort((a, b) => a.vid - b.vid);
      }
      break;
    }
    case 'ovs.br.add': {
      if (s.ovsBridges.some((b) => b.name === op.name)) throw new SimError(`${what}: cannot create a bridge named ${op.name} because a bridge named ${op.name} already exists`);
      mustBeNew(s, op.name, what);
      s.ovsBridges.push(ovsBridge(op.name, clean({ datapathType: op.datapath, failMode: op.failMode, externalIds: { 'novanet-owner': op.owner } })));
      s.links.push(link(op.name, 'ovs-bridge'));
      break;
    }
    case 'ovs.br.del': {
      const b = s.ovsBridges.find((x) => x.name === op.name);
      if (!b) break; // --if-exists
      for (const p of b.ports) {
        if (p.interfaces[0]?.type === 'internal') s.links = s.links.filter((l) => l.name !== p.name);
        else {
          const l = findLink(s, p.name);
          if (l) delete l.master;
        }
      }
      s.ovsBridges = s.ovsBridges.filter((x) => x !== b);
      break;
    }
    case 'ovs.br.set': {
      const b = s.ovsBridges.find((x) => x.name === op.name);
      if (!b) throw new SimError(`${what}: no bridge named ${op.name}`);
      if (op.failMode !== undefined) {
        if (op.failMode) b.failMode = op.failMode;
        else delete b.failMode;
      }
      if (op.protocols !== undefined) b.protocols = op.protocols ? [...op.protocols] : [];
      if (op.controller !== undefined) b.controllers = op.controller ? [op.controller] : [];
      break;
    }
    case 'ovs.port.add': {
      const b = s.ovsBridges.find((x) => x.name === op.bridge);
      if (!b) throw new SimError(`${what}: no bridge named ${op.bridge}`);
      if (ovsPortAnywhere(s, op.name)) throw new SimError(`${what}: cannot create a port named ${op.name} because a port named ${op.name} already exists`);
      b.ports.push(ovsPort(op.name, clean({ type: op.internal ? 'internal' : undefined, tag: op.tag, trunks: op.trunks ?? [], externalIds: { 'novanet-owner': op.owner } })));
      b.ports.sort((x, y) => x.name.localeCompare(y.name));
      if (op.internal) {
        // ovs-vswitchd creates the device; reconcile reports it as an internal port of the bridge.
        mustBeNew(s, op.name, what);
        s.links.push(link(op.name, 'ovs-internal', { master: op.bridge }));
      } else {
        // OVS takes a port whose device does not exist (yet): the row stays, with an error, until the device appears.
        const l = findLink(s, op.name);
        if (l?.master) throw new SimError(`${what}: ${op.name} is already enslaved to ${l.master}`);
        if (l) l.master = op.bridge;
      }
      break;
    }
    case 'ovs.port.del': {
      const b = s.ovsBridges.find((x) => x.name === op.bridge);
      const p = b?.ports.find((x) => x.name === op.name);
      if (!b || !p) break; // --if-exists
      b.ports = b.ports.filter((x) => x !== p);
      if (p.interfaces[0]?.type === 'internal') s.links = s.links.filter((l) => l.name !== op.name);
      else {
        const l = findLink(s, op.name);
        if (l) delete l.master;
      }
      break;
    }
    case 'ovs.port.set': {
      const hit = ovsPortAnywhere(s, op.name);
      if (!hit) throw new SimError(`${what}: no port named ${op.name}`);
      if (op.tag === null) delete hit.p.tag;
      else hit.p.tag = op.tag;
      hit.p.trunks = op.trunks ? [...op.trunks] : [];
      break;
    }
  }
  attachOvsMembers(s);
  refreshBridgePorts(s);
}

/** A device that appears while an OVS port row names it becomes that port (discovery reports the bridge as master). */
function attachOvsMembers(s: HostState): void {
  const links = new Map(s.links.map((l) => [l.name, l]));
  for (const b of s.ovsBridges) {
    for (const p of b.ports) {
      if (p.name === b.name || p.interfaces[0]?.type === 'internal') continue;
      const l = links.get(p.name);
      if (l && !l.master) l.master = b.name;
    }
  }
}

export function applyOps(state: HostState, ops: readonly Operation[]): HostState {
  const s = structuredClone(state);
  for (const op of ops) mutate(s, op);
  return s;
}

export function applyPlan(state: HostState, plan: Plan): HostState {
  return applyOps(
    state,
    plan.steps.map((s) => s.op),
  );
}

/** Undo as the helper does it: every inverse, newest step first. */
export function undoSteps(state: HostState, steps: Plan['steps']): HostState {
  return applyOps(
    state,
    [...steps].reverse().flatMap((s) => s.inverse),
  );
}

/** What must be equal for "exactly as before" (ids, ifindex, MAC, uuids left out, as the harness does). */
export function canonicalState(s: HostState) {
  const by = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => a.name.localeCompare(b.name));
  return {
    links: by(s.links).map((l) => ({
      name: l.name,
      kind: l.kind,
      master: l.master ?? null,
      mtu: l.mtu,
      up: l.adminUp,
      alias: l.alias ?? null,
      addresses: globalAddresses(l).sort(),
      parent: l.parent ?? null,
      vlanId: l.vlanId ?? null,
      vxlan: l.vxlan ? clean({ ...l.vxlan }) : null,
    })),
    bridges: by(s.bridges).map((b) => ({
      name: b.name,
      stp: clean({ ...b.stp }),
      vlanFiltering: b.vlanFiltering,
      multicastSnooping: b.multicastSnooping ?? null,
      ageingTime: b.ageingTime ?? null,
      // `bridge vlan` is read (and matters) only where the bridge filters.
      ports: by(b.ports).map((p) => ({ name: p.name, vlans: b.vlanFiltering ? [...p.vlans].sort((x, y) => x.vid - y.vid) : [] })),
    })),
    ovs: by(s.ovsBridges).map((b) => ({
      name: b.name,
      datapath: b.datapathType,
      failMode: b.failMode ?? null,
      controllers: [...b.controllers].sort(),
      protocols: [...b.protocols].sort(),
      externalIds: b.externalIds,
      ports: by(b.ports).map((p) => ({ name: p.name, tag: p.tag ?? null, trunks: [...p.trunks].sort((x, y) => x - y), externalIds: p.externalIds, types: p.interfaces.map((i) => i.type) })),
    })),
    tc: canonicalTc(s),
    routes: canonicalRoutes(s),
  };
}
