/**
 * libvirt networks and VM NICs. Only networks whose `<metadata><novanet:owner>` names this spec are changed or
 * removed; on a domain, only NICs listed in its NovaNet `<nics>` metadata (the ones NovaNet attached) are moved or
 * detached. Reservations change with `net-update` (no restart); anything else in a network's definition needs a
 * redefinition, which libvirt applies only when the network restarts.
 */
import type { Domain, HostState, LibvirtNetwork } from '../model/host-state';
import type { NetworkSpec } from '../spec/schema';
import type { DhcpHostSpec, VmSpec } from '../spec/vm-networks';
import type { Operation } from './operations';
import { networkXmlModel, parseNetworkXml, uuidSchema, type NetworkXmlModel } from './libvirt-xml';
import {
  interfaceXmlModel,
  ovsInterfaceIds,
  parseDomainInterfaces,
  parseNicMetadata,
  type InterfaceXmlModel,
  type NicVlanRecord,
} from './libvirt-interface-xml';
import { vlanOfGroup } from './libvirt-vlan-xml';
import { PHASE, type StepList } from './step-list';

/** VM NICs leave before the networks they use go; networks come after every switch they may point at. */
export const LIBVIRT_PHASE = {
  nicsRemove: PHASE.releaseMembers - 4,
  networksRemove: PHASE.releaseMembers - 2,
  networks: PHASE.afterOvs + 10,
  nicsMeta: PHASE.afterOvs + 14,
  nics: PHASE.afterOvs + 15,
  taps: PHASE.afterOvs + 16,
} as const;

type Define = Extract<Operation, { op: 'virsh.net.define' }>;

function observedModel(n: LibvirtNetwork): NetworkXmlModel | undefined {
  if (!n.xml) return undefined;
  try {
    return parseNetworkXml(n.xml);
  } catch {
    return undefined;
  }
}

/** Everything but the reservations, which net-update changes on their own; a bridge libvirt named itself is ours. */
function definitionKey(m: NetworkXmlModel, have: NetworkXmlModel): string {
  const dhcp = m.ipv4?.dhcp;
  const ranges = dhcp?.ranges.length ? dhcp.ranges : undefined;
  return stableJson({
    ...m,
    bridge: m.bridge ?? have.bridge,
    ipv4: m.ipv4 && { address: m.ipv4.address, ranges },
    portGroups: m.portGroups?.length ? m.portGroups : undefined,
  });
}

/** JSON with keys sorted and undefined dropped: models built and models parsed list their keys in any order. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const hostKey = (h: DhcpHostSpec) => JSON.stringify([h.mac, h.name ?? null, h.ip]);

/** Running VMs with a NIC on `name` lose their link when it restarts; this puts them back (none: nothing to do). */
function reconnect(state: HostState, name: string): Operation[] {
  const used = state.domains.some(
    (d) => running(d) && d.nics.some((nic) => nic.type === 'network' && nic.source === name),
  );
  return used ? [{ op: 'virsh.net.reconnect', name }] : [];
}

/** libvirt redefines a network only under the UUID it has; a restored one keeps it too. */
const withUuid = (n: LibvirtNetwork) => (uuidSchema.safeParse(n.uuid).success ? { uuid: n.uuid } : {});

/** The operations that bring back a network as it is now (after it was undefined). */
function restoreNetwork(n: LibvirtNetwork, m: NetworkXmlModel): Operation[] {
  const ops: Operation[] = [{ op: 'virsh.net.define', network: m, ...withUuid(n) }];
  if (n.autostart) ops.push({ op: 'virsh.net.autostart', name: n.name, enabled: true });
  if (n.active) ops.push({ op: 'virsh.net.start', name: n.name });
  return ops;
}

export function planLibvirt(out: StepList, spec: NetworkSpec, state: HostState): void {
  planNetworks(out, spec, state);
  planVms(out, spec, state);
}

function planNetworks(out: StepList, spec: NetworkSpec, state: HostState): void {
  const owner = spec.metadata.name;
  const P = LIBVIRT_PHASE;
  for (const n of state.networks) {
    if (n.owner !== owner || spec.networks.some((x) => x.name === n.name)) continue;
    const obj = `network ${n.name}`;
    const have = observedModel(n);
    if (n.active)
      out.add(P.networksRemove, obj, `Stop network ${n.name}`, { op: 'virsh.net.destroy', name: n.name }, [
        { op: 'virsh.net.start', name: n.name },
        ...reconnect(state, n.name),
      ]);
    // A definition NovaNet cannot read back cannot be restored: leave it (the spec's owner mark says it is ours).
    if (have)
      out.add(
        P.networksRemove,
        obj,
        `Remove network ${n.name}`,
        { op: 'virsh.net.undefine', name: n.name },
        restoreNetwork({ ...n, active: false }, have),
      );
  }

  for (const net of spec.networks) {
    const obj = `network ${net.name}`;
    const sw = net.mode === 'bridge' ? spec.switches.find((s) => s.name === net.bridge) : undefined;
    const want = networkXmlModel(net, owner, sw);
    const n = state.networks.find((x) => x.name === net.name);
    if (n && n.owner !== owner) continue; // validation refuses this; never touch a foreign network
    const define: Define = { op: 'virsh.net.define', network: want };
    if (!n) {
      out.add(P.networks, obj, `Define ${net.mode} network ${net.name}`, define, [
        { op: 'virsh.net.undefine', name: net.name },
      ]);
      // A start that fails leaves the definition to the rollback, which undefines it.
      out.add(P.networks, obj, `Start network ${net.name}`, { op: 'virsh.net.start', name: net.name }, [
        { op: 'virsh.net.destroy', name: net.name },
      ]);
      if (net.autostart)
        out.add(
          P.networks,
          obj,
          `Start network ${net.name} at boot`,
          { op: 'virsh.net.autostart', name: net.name, enabled: true },
          [],
        );
      continue;
    }
    const have = observedModel(n);
    if (!have) continue;
    if (definitionKey(want, have) !== definitionKey(have, have)) {
      out.add(P.networks, obj, `Redefine network ${net.name}`, { ...define, ...withUuid(n) }, [
        { op: 'virsh.net.define', network: have, ...withUuid(n) },
      ]);
      if (n.active) {
        out.add(
          P.networks,
          obj,
          `Restart network ${net.name} (libvirt applies this change only on restart)`,
          { op: 'virsh.net.destroy', name: net.name },
          [{ op: 'virsh.net.start', name: net.name }, ...reconnect(state, net.name)],
        );
      }
      out.add(P.networks, obj, `Start network ${net.name}`, { op: 'virsh.net.start', name: net.name }, [
        { op: 'virsh.net.destroy', name: net.name },
      ]);
      for (const op of n.active ? reconnect(state, net.name) : [])
        out.add(P.networks, obj, `Put the running VMs on ${net.name} back on its bridge`, op, []);
    } else {
      planReservations(out, net.name, want, have, n.active);
      if (!n.active)
        out.add(P.networks, obj, `Start network ${net.name}`, { op: 'virsh.net.start', name: net.name }, [
          { op: 'virsh.net.destroy', name: net.name },
        ]);
    }
    if (n.autostart !== net.autostart) {
      out.add(
        P.networks,
        obj,
        `${net.autostart ? 'Start' : 'Do not start'} network ${net.name} at boot`,
        { op: 'virsh.net.autostart', name: net.name, enabled: net.autostart },
        [{ op: 'virsh.net.autostart', name: net.name, enabled: n.autostart }],
      );
    }
  }
}

/** Reservations that differ, by net-update: deletions first, so a MAC or IP that moves is free when it is added. */
function planReservations(
  out: StepList,
  name: string,
  want: NetworkXmlModel,
  have: NetworkXmlModel,
  live: boolean,
): void {
  const wantHosts = want.ipv4?.dhcp?.hosts ?? [];
  const haveHosts = have.ipv4?.dhcp?.hosts ?? [];
  const wantKeys = new Set(wantHosts.map(hostKey));
  const haveKeys = new Set(haveHosts.map(hostKey));
  const obj = `network ${name}`;
  for (const h of haveHosts.filter((x) => !wantKeys.has(hostKey(x)))) {
    out.add(
      LIBVIRT_PHASE.networks,
      obj,
      `Remove reservation ${h.mac} -> ${h.ip} from ${name}`,
      { op: 'virsh.net.dhcp-host', name, action: 'delete', host: h, live },
      [{ op: 'virsh.net.dhcp-host', name, action: 'add', host: h, live }],
    );
  }
  for (const h of wantHosts.filter((x) => !haveKeys.has(hostKey(x)))) {
    out.add(
      LIBVIRT_PHASE.networks,
      obj,
      `Reserve ${h.ip} for ${h.mac}${h.name ? ` (${h.name})` : ''} on ${name}`,
      { op: 'virsh.net.dhcp-host', name, action: 'add', host: h, live },
      [{ op: 'virsh.net.dhcp-host', name, action: 'delete', host: h, live }],
    );
  }
}

const running = (d: Domain) => d.state === 'running' || d.state === 'paused' || d.state === 'idle';
const ifaceKey = (m: InterfaceXmlModel) => stableJson(m);
const recordKey = (rs: readonly NicVlanRecord[]) => stableJson([...rs].sort((a, b) => a.mac.localeCompare(b.mac)));
const ifaceType = (m: InterfaceXmlModel) => ('network' in m.source ? 'network' : 'bridge') as 'network' | 'bridge';

/** What NovaNet writes in a domain's metadata for the NICs of `vm`: every MAC, plus Linux-bridge VLANs. */
function nicRecords(vm: VmSpec, spec: NetworkSpec): NicVlanRecord[] {
  return vm.nics.map((nic) => {
    if (nic.network) {
      // A port group of a mode bridge network on a Linux switch: libvirt knows the group but cannot tag it.
      const net = spec.networks.find((n) => n.name === nic.network && n.mode === 'bridge');
      const lsw = spec.switches.find((s) => s.name === net?.bridge && s.type === 'linux');
      const lg = lsw?.portGroups.find((x) => x.name === nic.portGroup);
      const vlan = lg ? vlanOfGroup(lg) : {};
      if (!lsw || !nic.portGroup || !Object.keys(vlan).length) return { mac: nic.mac };
      return { mac: nic.mac, switch: lsw.name, portGroup: nic.portGroup, ...vlan };
    }
    const sw = nic.switch ? spec.switches.find((s) => s.name === nic.switch) : undefined;
    const g = sw?.portGroups.find((x) => x.name === nic.portGroup);
    if (!g || !nic.switch || !nic.portGroup) return { mac: nic.mac };
    // The group's name is kept for every switch (export reads it back); its VLANs only where NovaNet applies them.
    return {
      mac: nic.mac,
      switch: nic.switch,
      portGroup: nic.portGroup,
      ...(sw?.type === 'linux' ? vlanOfGroup(g) : {}),
    };
  });
}

interface DomainView {
  d: Domain;
  live: boolean;
  /** NICs in the domain now, as libvirt reports them (full model where NovaNet kept the XML). */
  ifaces: InterfaceXmlModel[];
  /** MACs NovaNet attached for this spec. */
  mine: NicVlanRecord[];
  /** The OVS interface id of each OVS NIC, which an update must keep. */
  interfaceIds: Map<string, string>;
}

function domainView(d: Domain, owner: string): DomainView {
  let ifaces: InterfaceXmlModel[] = [];
  let mine: NicVlanRecord[] = [];
  let interfaceIds = new Map<string, string>();
  if (d.xml) {
    try {
      ifaces = parseDomainInterfaces(d.xml);
      interfaceIds = ovsInterfaceIds(d.xml);
      const meta = parseNicMetadata(d.xml);
      if (meta?.owner === owner) mine = meta.nics;
    } catch {
      /* unreadable: treated as owning nothing */
    }
  }
  return { d, live: running(d), ifaces, mine, interfaceIds };
}

function planVms(out: StepList, spec: NetworkSpec, state: HostState): void {
  const owner = spec.metadata.name;
  const P = LIBVIRT_PHASE;
  for (const d of state.domains) {
    if (d.owner !== owner || spec.vms.some((v) => v.name === d.name)) continue;
    const v = domainView(d, owner);
    detachAll(
      out,
      v,
      v.mine.map((r) => r.mac),
    );
    out.add(
      P.nicsRemove,
      `vm ${d.name}`,
      `Remove NovaNet's NIC record from ${d.name}`,
      { op: 'virsh.dom.metadata', domain: d.name, owner: null, nics: [], live: v.live },
      [{ op: 'virsh.dom.metadata', domain: d.name, owner, nics: v.mine, live: v.live }],
    );
  }
  for (const vm of spec.vms) {
    const d = state.domains.find((x) => x.name === vm.name);
    if (!d || (d.owner && d.owner !== owner)) continue; // validation reports both
    const obj = `vm ${vm.name}`;
    const v = domainView(d, owner);
    const mineMacs = new Set(v.mine.map((r) => r.mac));
    const present = new Set(d.nics.map((n) => n.mac.toLowerCase()));
    const records = nicRecords(vm, spec);
    const wantMacs = new Set(vm.nics.map((n) => n.mac));
    detachAll(
      out,
      v,
      [...mineMacs].filter((m) => !wantMacs.has(m)),
    );
    if (recordKey(records) !== recordKey(v.mine)) {
      const back: Operation = v.mine.length
        ? { op: 'virsh.dom.metadata', domain: vm.name, owner, nics: v.mine, live: v.live }
        : { op: 'virsh.dom.metadata', domain: vm.name, owner: null, nics: [], live: v.live };
      out.add(
        P.nicsMeta,
        obj,
        `Record ${vm.name}'s NovaNet NICs in its metadata`,
        { op: 'virsh.dom.metadata', domain: vm.name, owner, nics: records, live: v.live },
        [back],
      );
      if (records.some((r) => r.vlan !== undefined || r.trunk))
        out.add(
          P.nicsMeta,
          obj,
          'Install the libvirt qemu hook that keeps Linux-bridge VLANs across VM restarts',
          { op: 'virsh.hook.install' },
          [],
        );
    }
    let taps = false;
    for (const nic of vm.nics) {
      const want = interfaceXmlModel(nic, spec.switches);
      const where = 'network' in want.source ? `network ${want.source.network}` : `switch ${want.source.bridge}`;
      if (!present.has(nic.mac)) {
        out.add(
          P.nics,
          obj,
          `Attach NIC ${nic.mac} of ${vm.name} to ${where}${nic.portGroup ? ` (${nic.portGroup})` : ''}`,
          { op: 'virsh.dom.attach', domain: vm.name, nic: want, live: v.live },
          [{ op: 'virsh.dom.detach', domain: vm.name, type: ifaceType(want), mac: nic.mac, live: v.live }],
        );
        taps = true;
        continue;
      }
      if (!mineMacs.has(nic.mac)) continue; // a NIC NovaNet did not attach: validation warns, nothing changes
      const have = v.ifaces.find((i) => i.mac === nic.mac);
      if (have && ifaceKey(have) !== ifaceKey(want)) {
        const id = v.interfaceIds.get(nic.mac);
        const keep = id && want.virtualPort && have.virtualPort ? { interfaceId: id } : {};
        out.add(
          P.nics,
          obj,
          `Move NIC ${nic.mac} of ${vm.name} to ${where}${nic.portGroup ? ` (${nic.portGroup})` : ''}`,
          { op: 'virsh.dom.update', domain: vm.name, nic: { ...want, ...keep }, live: v.live },
          [{ op: 'virsh.dom.update', domain: vm.name, nic: { ...have, ...keep }, live: v.live }],
        );
        taps = true;
      }
    }
    // A NIC attached or moved on a running VM gets its Linux-bridge VLAN now; the hook does it at the next start.
    if (
      v.live &&
      (taps || recordKey(records) !== recordKey(v.mine)) &&
      records.some((r) => r.vlan !== undefined || r.trunk)
    ) {
      out.add(
        P.taps,
        obj,
        `Set the port-group VLANs of ${vm.name}'s taps on their Linux bridges`,
        { op: 'virsh.dom.tap-vlans', domain: vm.name },
        [],
      );
    }
  }
}

function detachAll(out: StepList, v: DomainView, macs: string[]): void {
  for (const mac of macs) {
    const have = v.ifaces.find((i) => i.mac === mac);
    if (!have) continue;
    out.add(
      LIBVIRT_PHASE.nicsRemove,
      `vm ${v.d.name}`,
      `Detach NIC ${mac} from ${v.d.name}`,
      { op: 'virsh.dom.detach', domain: v.d.name, type: ifaceType(have), mac, live: v.live },
      [{ op: 'virsh.dom.attach', domain: v.d.name, nic: have, live: v.live }],
    );
  }
}
