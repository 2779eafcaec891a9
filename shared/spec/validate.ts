/**
 * Validation of a spec against the host it is meant for: references exist, nothing is claimed twice, names do
 * not collide with objects someone else owns, and the kernel or OVS can do what is asked. Each issue names the
 * field by path (`switches[0].uplinks[1]`) and says why.
 */
import type { HostState } from '../model/host-state';
import { capabilityLabels, type CapabilityName } from '../model/capabilities';
import { linkOwner, ovsBridgeOwner } from '../plan/ownership';
import { networkSpecSchema, type NetworkSpec } from './schema';
import { validateVmNetworks } from './vm-networks-validate';
import { validateLibvirtUse } from './validate-libvirt';
import { validateTcMirror } from './validate-tc-mirror';
import { validateBridgeNic } from './validate-bridge-nic';

export interface SpecIssue {
  path: string;
  message: string;
}

export function zodPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '');
}

/** Schema check: types, ranges, unknown keys. Returns the parsed spec or the issues. */
export function parseSpec(data: unknown): { spec?: NetworkSpec; issues: SpecIssue[] } {
  const r = networkSpecSchema.safeParse(data);
  if (r.success) return { spec: r.data, issues: [] };
  return {
    issues: r.error.issues.map((i) => ({
      path: zodPath(i.path) || '(root)',
      message: i.code === 'unrecognized_keys' ? `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}` : i.message,
    })),
  };
}

export function validateSpec(spec: NetworkSpec, state: HostState): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const me = spec.metadata.name;
  const links = new Map(state.links.map((l) => [l.name, l]));
  const caps = state.capabilities?.features;
  const need = (path: string, cap: CapabilityName, what: string) => {
    const f = caps?.[cap];
    if (f && f.probed !== false && !f.available) add(path, `${what} needs ${capabilityLabels[cap]}, which this kernel lacks${f.detail ? ` (${f.detail})` : ''}`);
  };

  // Every kernel name the spec creates must be unique, and free or already ours.
  const created = new Map<string, string>();
  const claim = (path: string, name: string) => {
    const prev = created.get(name);
    if (prev) return add(path, `${name} is already defined at ${prev}`);
    created.set(name, path);
    const l = links.get(name);
    const owner = l ? linkOwner(l) : undefined;
    const ovs = state.ovsBridges.find((b) => b.name === name);
    if (ovs && ovsBridgeOwner(ovs) !== me) add(path, `${name} is an existing Open vSwitch bridge not owned by spec ${me}`);
    else if (l && owner !== me && !ovs && !isOvsPortOf(state, name, me)) {
      add(path, `${name} already exists on the host${owner ? ` and belongs to spec ${owner}` : ' and is not managed by NovaNet'}`);
    }
  };
  spec.switches.forEach((s, i) => claim(`switches[${i}].name`, s.name));
  spec.vlans.forEach((v, i) => claim(`vlans[${i}].name`, v.name));
  spec.bonds.forEach((b, i) => claim(`bonds[${i}].name`, b.name));
  spec.overlays.forEach((o, i) => claim(`overlays[${i}].name`, o.name));
  spec.switches.forEach((s, i) => s.ports.forEach((p, j) => p.internal && claim(`switches[${i}].ports[${j}].name`, p.name)));

  const placed = new Map<string, string>();
  const switchNames = new Set(spec.switches.map((s) => s.name));
  spec.switches.forEach((sw, i) => {
    const at = `switches[${i}]`;
    if (sw.type === 'ovs') {
      if (state.sources.ovs?.status !== 'ok') add(`${at}.type`, `Open vSwitch is not reachable: ${state.sources.ovs?.message ?? 'no database'}`);
      if (sw.datapath === 'system') need(`${at}.datapath`, 'ovsKernelDatapath', 'datapath: system');
      for (const k of ['stp', 'vlanFiltering', 'multicastSnooping', 'ageingTime'] as const) {
        if (sw[k] !== undefined) add(`${at}.${k}`, 'applies to Linux bridges only (type: linux)');
      }
    } else {
      for (const k of ['datapath', 'failMode', 'controller'] as const) if (sw[k] !== undefined) add(`${at}.${k}`, 'applies to Open vSwitch only (type: ovs)');
      if (sw.vlanFiltering) need(`${at}.vlanFiltering`, 'bridgeVlanFiltering', 'vlanFiltering');
    }
    validateBridgeNic(sw, at, state, add);
    const groups = new Set<string>();
    sw.portGroups.forEach((g, j) => {
      if (groups.has(g.name)) add(`${at}.portGroups[${j}].name`, `port group ${g.name} is defined twice`);
      groups.add(g.name);
      if (sw.type === 'ovs' && g.nativeVlan !== undefined) add(`${at}.portGroups[${j}].nativeVlan`, 'native VLANs are supported on Linux bridges only');
    });
    const member = (path: string, name: string, mustExist: boolean) => {
      const prev = placed.get(name);
      if (prev) return add(path, `${name} is already placed at ${prev}; a port belongs to one switch and one group`);
      placed.set(name, path);
      const l = links.get(name);
      if (!l) {
        if (mustExist && !created.has(name)) add(path, `${name} does not exist on the host`);
        return;
      }
      if (l.kind === 'loopback') return add(path, `${name} is the loopback device`);
      // OVS membership is reported once, below, with the bridge named as such.
      const ovsMaster = state.ovsBridges.some((b) => b.name === l.master);
      if (l.master && !ovsMaster && l.master !== sw.name && !switchNames.has(l.master) && !ownedLinkGoes(state, spec, l.master)) add(path, `${name} is already in ${l.master}`);
      const inOvs = state.ovsBridges.find((b) => b.name !== sw.name && b.ports.some((p) => p.name === name));
      if (inOvs && ovsBridgeOwner(inOvs) !== me) add(path, `${name} is already a port of Open vSwitch bridge ${inOvs.name}`);
    };
    sw.uplinks.forEach((u, j) => member(`${at}.uplinks[${j}]`, u, true));
    sw.ports.forEach((p, j) => {
      member(`${at}.ports[${j}].name`, p.name, !p.internal);
      if (p.internal && sw.type !== 'ovs') add(`${at}.ports[${j}].internal`, 'internal ports exist on Open vSwitch switches only');
      if (p.portGroup && !groups.has(p.portGroup)) add(`${at}.ports[${j}].portGroup`, `no port group named ${p.portGroup} on ${sw.name}`);
      const g = sw.portGroups.find((x) => x.name === p.portGroup);
      if (sw.type === 'linux' && g && (g.vlan !== undefined || g.trunk) && !sw.vlanFiltering) {
        add(`${at}.ports[${j}].portGroup`, `VLAN port groups on a Linux bridge need vlanFiltering: true on ${sw.name}`);
      }
    });
  });
  spec.bonds.forEach((b, i) => {
    need(`bonds[${i}].mode`, 'bonding', 'a bond');
    b.members.forEach((m, j) => {
      const path = `bonds[${i}].members[${j}]`;
      const prev = placed.get(m);
      if (prev) return add(path, `${m} is already placed at ${prev}`);
      placed.set(m, path);
      const l = links.get(m);
      if (!l) return add(path, `${m} does not exist on the host`);
      if (l.master && l.master !== b.name && !ownedLinkGoes(state, spec, l.master)) add(path, `${m} is already in ${l.master}`);
    });
  });
  spec.vlans.forEach((v, i) => {
    need(`vlans[${i}].id`, 'vlan8021q', 'a VLAN sub-interface');
    if (!links.has(v.parent) && !created.has(v.parent)) add(`vlans[${i}].parent`, `${v.parent} does not exist on the host`);
  });
  spec.overlays.forEach((o, i) => {
    need(`overlays[${i}].type`, o.type === 'vxlan' ? 'vxlan' : 'geneve', `a ${o.type.toUpperCase()} overlay`);
    // The kernel's GENEVE device has neither a local address nor a lower device (iproute2 takes neither), so the
    // planner cannot create them and a re-plan would never come out empty: refuse rather than roll back later.
    if (o.type === 'geneve') {
      if (o.local) add(`overlays[${i}].local`, 'a GENEVE tunnel has no local address (the kernel sends from the route to remote); remove local');
      if (o.dev) add(`overlays[${i}].dev`, 'a GENEVE tunnel has no lower device (the kernel sends from the route to remote); remove dev');
    }
    if (o.switch && !switchNames.has(o.switch)) add(`overlays[${i}].switch`, `no switch named ${o.switch} in this spec`);
    if (o.dev && !links.has(o.dev) && !created.has(o.dev)) add(`overlays[${i}].dev`, `${o.dev} does not exist on the host`);
    if (o.switch) {
      const prev = placed.get(o.name);
      if (prev) add(`overlays[${i}].name`, `${o.name} is already placed at ${prev}`);
    }
  });
  spec.mirrors.forEach((m, i) => {
    const sw = spec.switches.find((s) => s.name === m.switch);
    if (!sw) return add(`mirrors[${i}].switch`, `no switch named ${m.switch} in this spec`);
    if (sw.type === 'linux') {
      need(`mirrors[${i}].switch`, 'tcMirred', 'a mirror on a Linux bridge');
      validateTcMirror(m, i, links, created, add);
    }
    const onSwitch = new Set([...sw.uplinks, ...sw.ports.map((p) => p.name), ...spec.overlays.filter((o) => o.switch === sw.name).map((o) => o.name)]);
    m.sources.forEach((src, j) => {
      if (!onSwitch.has(src)) add(`mirrors[${i}].sources[${j}]`, `${src} is not a port of ${sw.name}`);
    });
    if (!onSwitch.has(m.output)) add(`mirrors[${i}].output`, `${m.output} is not a port of ${sw.name}`);
    if (spec.mirrors.findIndex((x) => x.name === m.name && x.switch === m.switch) !== i) add(`mirrors[${i}].name`, `mirror ${m.name} is defined twice on ${m.switch}`);
  });
  issues.push(...validateVmNetworks(spec, state));
  issues.push(...validateLibvirtUse(spec, state));
  return issues;
}

function isOvsPortOf(state: HostState, name: string, spec: string): boolean {
  return state.ovsBridges.some((b) => b.ports.some((p) => p.name === name && (p.externalIds['novanet-owner'] === spec || ovsBridgeOwner(b) === spec)));
}

/** A bridge this spec owns and is about to remove does not hold its ports hostage. */
function ownedLinkGoes(state: HostState, spec: NetworkSpec, name: string): boolean {
  const l = state.links.find((x) => x.name === name);
  return !!l && linkOwner(l) === spec.metadata.name && !spec.switches.some((s) => s.name === name);
}
