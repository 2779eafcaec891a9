/**
 * Pure edits of the spec's VM-network sections (`networks`, `vms`, `dhcp`, `nat`) for the Networks view, and the
 * checks a dialog runs on its own copy before it writes the draft. Like switches/spec-edit.ts, nothing here judges
 * a value: the schema and validateSpec do, with the field's path, exactly as for a YAML file.
 */
import type { HostState, LibvirtNetwork } from '../../../shared/model/host-state';
import { IPV4_CIDR_RE, intToIp, parseCidr } from '../../../shared/spec/ipv4';
import { parseSpec, validateSpec, type SpecIssue } from '../../../shared/spec/validate';
import { parseNicMetadata } from '../../../shared/plan/libvirt-interface-xml';
import { suggestIpv4, type NetworkMode, type VmNetworkSpecView } from '../../../shared/spec/vm-networks';
import type { SpecDoc } from '../changes/spec-doc';
import { issuesAt, setKey, uniqueName } from '../switches/spec-edit';

export type NetworkDoc = NonNullable<SpecDoc['networks']>[number];
export type VmDoc = NonNullable<SpecDoc['vms']>[number];
export type NicDoc = NonNullable<VmDoc['nics']>[number];
export type DhcpDoc = NonNullable<SpecDoc['dhcp']>[number];
export type NatDoc = NonNullable<SpecDoc['nat']>[number];
export type RangeDoc = DhcpDoc['ranges'][number];
export type HostDoc = NonNullable<DhcpDoc['hosts']>[number];
export type ForwardDoc = NonNullable<NatDoc['portForwards']>[number];

export type SectionKey = 'networks' | 'vms' | 'dhcp' | 'nat';
type ItemOf<K extends SectionKey> = NonNullable<SpecDoc[K]>[number];

export function sectionOf<K extends SectionKey>(doc: SpecDoc | undefined, key: K): ItemOf<K>[] {
  return (doc?.[key] ?? []) as ItemOf<K>[];
}

/** Puts `item` at `index`, or appends it when `index` is undefined (a new entry). */
export function putItem<K extends SectionKey>(
  doc: SpecDoc,
  key: K,
  index: number | undefined,
  item: ItemOf<K>,
): SpecDoc {
  const list = sectionOf(doc, key);
  const next =
    index === undefined || index >= list.length ? [...list, item] : list.map((x, i) => (i === index ? item : x));
  return { ...doc, [key]: next };
}

export function removeItem(doc: SpecDoc, key: SectionKey, index: number): SpecDoc {
  return { ...doc, [key]: sectionOf(doc, key).filter((_, i) => i !== index) };
}

/** Where an entry being edited sits in the spec: its own index, or the next one for a new entry. */
export function itemPath(doc: SpecDoc | undefined, key: SectionKey, index: number | undefined): string {
  return `${key}[${index ?? sectionOf(doc, key).length}]`;
}

/**
 * The issues of one entry as it would be with `item` in the spec: the schema's, then the host checks' (when the
 * host is known). A dialog shows these under its fields before anything reaches the draft.
 */
export function itemIssues<K extends SectionKey>(
  doc: SpecDoc,
  key: K,
  index: number | undefined,
  item: ItemOf<K>,
  state: HostState | undefined,
): SpecIssue[] {
  const at = itemPath(doc, key, index);
  const full = putItem(doc, key, index, item);
  const r = parseSpec(full);
  if (r.spec) return state ? issuesAt(validateSpec(r.spec, state), at, true) : [];
  const own = issuesAt(r.issues, at, true);
  if (own.length > 0 || !state) return own;
  // Another entry does not parse yet: check this one with the broken ones left out, then put its path back.
  const broken = (k: SectionKey, i: number) => `${k}[${i}]` !== at && issuesAt(r.issues, `${k}[${i}]`, true).length > 0;
  const pruned = { ...full } as Record<string, unknown>;
  for (const k of ['networks', 'vms', 'dhcp', 'nat'] as const)
    pruned[k] = sectionOf(full, k).filter((_, i) => !broken(k, i));
  const moved = `${key}[${sectionOf(pruned as SpecDoc, key).indexOf(item)}]`;
  const again = parseSpec(pruned);
  if (!again.spec) return [];
  return issuesAt(validateSpec(again.spec, state), moved, true).map((i) => ({
    ...i,
    path: at + i.path.slice(moved.length),
  }));
}

/** An empty field needs no second message about its characters: "must not be empty" says it all. */
export function tidyIssues(issues: SpecIssue[]): SpecIssue[] {
  const empty = new Set(issues.filter((i) => i.message === 'must not be empty').map((i) => i.path));
  return issues.filter((i) => !empty.has(i.path) || i.message === 'must not be empty');
}

export function validCidr(s: string | undefined): s is string {
  return s !== undefined && IPV4_CIDR_RE.test(s);
}

/**
 * The spec as the subnet suggestion reads it, leaving out the entry being edited (its own subnet is not "taken")
 * and any address still being typed: the draft may not parse while the user works on it.
 */
export function suggestionView(doc: SpecDoc | undefined, skipNetwork?: number): VmNetworkSpecView {
  const networks = sectionOf(doc, 'networks')
    .filter((n, i) => i !== skipNetwork && (!n.ipv4 || validCidr(n.ipv4.address)))
    .map((n) => ({ ...n, mode: n.mode ?? 'nat', autostart: true, ipv4: n.ipv4 && { address: n.ipv4.address } }));
  const switches = (doc?.switches ?? []).map((s) => ({
    name: s.name,
    type: s.type ?? 'linux',
    addresses: (s.addresses ?? []).filter(validCidr),
    portGroups: [],
    vlanFiltering: undefined,
  }));
  return {
    metadata: { name: doc?.metadata.name ?? '' },
    networks,
    switches,
    vms: [],
    dhcp: [],
    nat: [],
  } as unknown as VmNetworkSpecView;
}

export type Suggestion = { address: string; range: { start: string; end: string } } | { error: string };

export function suggestFor(
  state: HostState | undefined,
  doc: SpecDoc | undefined,
  skip?: number,
  prefix = 24,
): Suggestion {
  if (!state) return { error: 'the host has not been read yet' };
  try {
    return suggestIpv4(state, suggestionView(doc, skip), prefix);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** The dynamic range suggestIpv4 would give a subnet: its upper half, so the lower half stays for reservations. */
export function defaultRange(address: string): RangeDoc | undefined {
  if (!validCidr(address)) return undefined;
  const n = parseCidr(address);
  if (n.prefix > 29) return undefined;
  const size = n.last - n.network + 1;
  return { start: intToIp(n.network + Math.max(2, size / 2)), end: intToIp(n.last - 1) };
}

export const modeInfo: Record<NetworkMode, { label: string; text: string }> = {
  nat: { label: 'NAT', text: "VMs reach out through the host's address; nothing outside can reach them." },
  route: { label: 'Routed', text: 'The host routes the subnet without NAT; your router needs a route back to it.' },
  open: { label: 'Open', text: 'Routed with no firewall rules from libvirt; filtering is up to you.' },
  isolated: { label: 'Isolated', text: 'VMs reach each other and the host only; no way out.' },
  bridge: { label: 'Bridged', text: 'VMs join an existing switch and its LAN directly; the LAN gives addresses.' },
};

/** A new network: NAT, a free subnet, DHCP over its upper half. */
export function newNetwork(doc: SpecDoc | undefined, state: HostState | undefined): NetworkDoc {
  const name = uniqueName('vmnet', [
    ...sectionOf(doc, 'networks').map((n) => n.name),
    ...(state?.networks ?? []).map((n) => n.name),
  ]);
  const s = suggestFor(state, doc);
  const base: NetworkDoc = { name, mode: 'nat', autostart: true };
  if ('error' in s) return { ...base, ipv4: { address: '' } };
  return { ...base, ipv4: { address: s.address, dhcp: { ranges: [s.range], hosts: [] } } };
}

/**
 * Mode changes drop what the new mode refuses (bridge: addresses and DNS) and bring what it needs: an address for
 * the routed modes, a switch for bridge mode (whose bridge name is not libvirt's to create).
 */
export function changeMode(
  n: NetworkDoc,
  mode: NetworkMode,
  fill: { suggestion: Suggestion; bridge?: string },
): NetworkDoc {
  let next: NetworkDoc = { ...n, mode };
  if (mode === 'bridge') {
    next = setKey(setKey(next, 'ipv4', undefined), 'dns', undefined);
    return setKey(next, 'bridge', fill.bridge);
  }
  if (n.mode === 'bridge') next = setKey(next, 'bridge', undefined);
  if (!next.ipv4 && !('error' in fill.suggestion))
    next.ipv4 = { address: fill.suggestion.address, dhcp: { ranges: [fill.suggestion.range], hosts: [] } };
  return next;
}

/** DHCP on prefills a range from the subnet; off removes the block (reservations too: they need the server). */
export function setDhcp(n: NetworkDoc, on: boolean): NetworkDoc {
  if (!n.ipv4) return n;
  if (!on) return { ...n, ipv4: setKey(n.ipv4, 'dhcp', undefined) };
  const r = defaultRange(n.ipv4.address);
  return { ...n, ipv4: { ...n.ipv4, dhcp: { ranges: r ? [r] : [], hosts: n.ipv4.dhcp?.hosts ?? [] } } };
}

/** A new address moves the ranges with it while they are still the prefilled ones; typed ranges stay as typed. */
export function setAddress(n: NetworkDoc, address: string): NetworkDoc {
  const ipv4 = { ...(n.ipv4 ?? { address: '' }), address };
  const before = n.ipv4 ? defaultRange(n.ipv4.address) : undefined;
  const after = defaultRange(address);
  const ranges = ipv4.dhcp?.ranges ?? [];
  const wasDefault =
    ranges.length === 1 && before && ranges[0]?.start === before.start && ranges[0]?.end === before.end;
  if (ipv4.dhcp && wasDefault && after) ipv4.dhcp = { ...ipv4.dhcp, ranges: [{ ...ranges[0], ...after }] };
  return { ...n, ipv4 };
}

/** One row of the networks table: a spec entry, a libvirt network on the host, or both. */
export interface NetworkRow {
  name: string;
  spec?: { index: number; net: NetworkDoc };
  host?: LibvirtNetwork;
  /** Not this spec's to change: another spec's, or made outside NovaNet. */
  readOnly: boolean;
  /** Who owns a read-only network: another spec's name, or undefined for one NovaNet did not make. */
  owner?: string;
}

export function networkRows(doc: SpecDoc | undefined, state: HostState | undefined): NetworkRow[] {
  const host = new Map((state?.networks ?? []).map((n) => [n.name, n]));
  const rows: NetworkRow[] = sectionOf(doc, 'networks').map((net, index) => {
    const h = host.get(net.name);
    return { name: net.name, spec: { index, net }, ...(h ? { host: h } : {}), readOnly: false };
  });
  const inSpec = new Set(rows.map((r) => r.name));
  const me = doc?.metadata.name;
  for (const h of state?.networks ?? []) {
    if (inSpec.has(h.name)) continue;
    // This spec's own network, no longer in the draft: removed on apply, shown so the user can see it go.
    if (h.owner === me) rows.push({ name: h.name, host: h, readOnly: false });
    else rows.push({ name: h.name, host: h, readOnly: true, ...(h.owner ? { owner: h.owner } : {}) });
  }
  return rows;
}

export function hostSubnet(h: LibvirtNetwork | undefined): string | undefined {
  const ip = h?.ips.find((i) => i.family === 'ipv4');
  return ip ? `${ip.address}/${ip.prefix}` : undefined;
}

/** Switches a bridge-mode network may point at: the spec's, then the host's Linux and OVS bridges. */
export function bridgeChoices(
  doc: SpecDoc | undefined,
  state: HostState | undefined,
): { name: string; where: string }[] {
  const out = (doc?.switches ?? []).map((s) => ({ name: s.name, where: 'switch of this spec' }));
  const seen = new Set(out.map((c) => c.name));
  const libvirtBridges = new Set((state?.networks ?? []).map((n) => n.bridge));
  for (const l of state?.links ?? []) {
    if (l.kind !== 'bridge' || seen.has(l.name) || libvirtBridges.has(l.name)) continue;
    out.push({ name: l.name, where: 'Linux bridge on the host' });
    seen.add(l.name);
  }
  for (const b of state?.ovsBridges ?? [])
    if (!seen.has(b.name)) out.push({ name: b.name, where: 'Open vSwitch on the host' });
  return out;
}

/** Where a VM NIC goes: a libvirt network, or a switch with an optional port group. */
export type NicTarget = { network: string; portGroup?: string } | { switch: string; portGroup?: string };

/**
 * Points one NIC of a VM at `target`, adding the NIC (with the model the host reports) when the spec does not
 * list it yet. The VM's other NICs stay as they are.
 */
export function setNicTarget(vm: VmDoc, mac: string, model: string | undefined, target: NicTarget): VmDoc {
  const nics = vm.nics ?? [];
  const j = nics.findIndex((n) => n.mac.toLowerCase() === mac.toLowerCase());
  const old: NicDoc = nics[j] ?? { mac, ...(model ? { model: model as NicDoc['model'] } : {}) };
  const { network: _n, switch: _s, portGroup: _p, ...rest } = old;
  const nic: NicDoc = { ...rest, ...target };
  if ('portGroup' in nic && !nic.portGroup) delete nic.portGroup;
  return { ...vm, nics: j < 0 ? [...nics, nic] : nics.map((x, k) => (k === j ? nic : x)) };
}

/** The spec's entry for a VM and its index, or a new entry when the spec does not name the VM yet. */
export function vmEntry(doc: SpecDoc | undefined, vm: string): { index: number | undefined; vm: VmDoc } {
  const vms = sectionOf(doc, 'vms');
  const i = vms.findIndex((v) => v.name === vm);
  return i < 0 ? { index: undefined, vm: { name: vm, nics: [] } } : { index: i, vm: vms[i]! };
}

/** The same edit on the whole document: the VM joins the `vms` section when it is not there yet. */
export function moveNic(doc: SpecDoc, vm: string, mac: string, model: string | undefined, target: NicTarget): SpecDoc {
  const e = vmEntry(doc, vm);
  return putItem(doc, 'vms', e.index, setNicTarget(e.vm, mac, model, target));
}

/** Where the host says a NIC is attached now, in the spec's words (a direct/macvtap NIC has no such target). */
export function hostNicTarget(nic: { type?: string; source?: string; portGroup?: string }): NicTarget | undefined {
  if (!nic.source) return undefined;
  if (nic.type === 'network')
    return { network: nic.source, ...(nic.portGroup ? { portGroup: nic.portGroup } : {}) } as NicTarget;
  if (nic.type === 'bridge') return { switch: nic.source, ...(nic.portGroup ? { portGroup: nic.portGroup } : {}) };
  return undefined;
}

/** What the spec says a NIC should attach to, when it says anything. */
export function nicTargetOf(doc: SpecDoc | undefined, vm: string, mac: string): NicTarget | undefined {
  const nic = sectionOf(doc, 'vms')
    .find((v) => v.name === vm)
    ?.nics?.find((n) => n.mac.toLowerCase() === mac.toLowerCase());
  if (!nic) return undefined;
  if (nic.network) return { network: nic.network, ...(nic.portGroup ? { portGroup: nic.portGroup } : {}) };
  if (nic.switch) return { switch: nic.switch, ...(nic.portGroup ? { portGroup: nic.portGroup } : {}) };
  return undefined;
}

export function describeTarget(t: NicTarget): string {
  const group = t.portGroup ? ` / ${t.portGroup}` : '';
  return 'network' in t ? `network ${t.network}${group}` : `switch ${t.switch}${group}`;
}

/** "in 42 min", "in 3 h 5 min", "expired 2 min ago", "never" — what a lease table says about its end. */
export function formatExpiry(expiresAt: string | null, now: number): string {
  if (expiresAt === null) return 'never';
  const t = Date.parse(expiresAt);
  if (Number.isNaN(t)) return expiresAt;
  const s = Math.round((t - now) / 1000);
  const a = Math.abs(s);
  const text =
    a < 60
      ? `${a} s`
      : a < 3600
        ? `${Math.floor(a / 60)} min`
        : a < 86400
          ? `${Math.floor(a / 3600)} h${Math.floor((a % 3600) / 60) ? ` ${Math.floor((a % 3600) / 60)} min` : ''}`
          : `${Math.floor(a / 86400)} d${Math.floor((a % 86400) / 3600) ? ` ${Math.floor((a % 86400) / 3600)} h` : ''}`;
  return s >= 0 ? `in ${text}` : `expired ${text} ago`;
}

export interface IfChoice {
  name: string;
  /** Its IPv4 addresses, or where it comes from. */
  detail: string;
  cidrs?: string[];
}

function inet(l: HostState['links'][number]): string[] {
  return l.addresses.filter((a) => a.family === 'inet').map((a) => `${a.address}/${a.prefixLength}`);
}

/** Interfaces a standalone DHCP server may listen on: the spec's switches with addresses, host links with IPv4. */
export function dhcpInterfaceChoices(doc: SpecDoc | undefined, state: HostState | undefined): IfChoice[] {
  const out: IfChoice[] = (doc?.switches ?? [])
    .filter((s) => (s.addresses ?? []).some(validCidr))
    .map((s) => {
      const cidrs = (s.addresses ?? []).filter(validCidr);
      return { name: s.name, detail: `switch, ${cidrs.join(', ')}`, cidrs };
    });
  const seen = new Set(out.map((c) => c.name));
  const libvirtBridges = new Set((state?.networks ?? []).map((n) => n.bridge));
  for (const l of state?.links ?? []) {
    const a = inet(l);
    if (l.kind === 'loopback' || seen.has(l.name) || libvirtBridges.has(l.name) || a.length === 0) continue;
    out.push({ name: l.name, detail: a.join(', '), cidrs: a });
  }
  return out;
}

/** Where NAT may masquerade out: the host's links that carry an IPv4 address, physical NICs first. */
export function natOutChoices(state: HostState | undefined): IfChoice[] {
  const links = (state?.links ?? []).filter((l) => l.kind !== 'loopback' && inet(l).length > 0);
  links.sort((a, b) => Number(b.kind === 'physical') - Number(a.kind === 'physical') || a.name.localeCompare(b.name));
  return links.map((l) => ({ name: l.name, detail: inet(l).join(', ') }));
}

/** Subnets NAT usually masquerades: the spec's routed networks and its switches' subnets, as network/prefix. */
export function natSourceChoices(doc: SpecDoc | undefined): { cidr: string; what: string }[] {
  const out: { cidr: string; what: string }[] = [];
  const net = (a: string) => {
    const n = parseCidr(a);
    return `${intToIp(n.network)}/${n.prefix}`;
  };
  for (const n of sectionOf(doc, 'networks'))
    if (n.ipv4 && validCidr(n.ipv4.address)) out.push({ cidr: net(n.ipv4.address), what: `network ${n.name}` });
  for (const s of doc?.switches ?? [])
    for (const a of (s.addresses ?? []).filter(validCidr)) out.push({ cidr: net(a), what: `switch ${s.name}` });
  return out;
}

/** Keeps the current value listed even when the host no longer has it, so a select never hides what is set. */
export function withCurrent(choices: IfChoice[], current: string | undefined): IfChoice[] {
  if (!current || choices.some((c) => c.name === current)) return choices;
  return [{ name: current, detail: 'not on the host' }, ...choices];
}

/** A new DHCP server on the first interface that can carry one, with the upper half of its subnet as the range. */
export function newDhcp(doc: SpecDoc | undefined, state: HostState | undefined): DhcpDoc {
  const name = uniqueName(
    'dhcp',
    sectionOf(doc, 'dhcp').map((d) => d.name),
  );
  // Only a switch is a safe guess: a DHCP server started on the host's own uplink would answer its whole LAN.
  const switches = new Set([
    ...(doc?.switches ?? []).map((w) => w.name),
    ...(state?.links ?? []).filter((l) => l.kind === 'bridge' || l.kind === 'ovs-internal').map((l) => l.name),
  ]);
  const first = dhcpInterfaceChoices(doc, state).find((c) => switches.has(c.name));
  const range = first?.cidrs?.[0] ? defaultRange(first.cidrs[0]) : undefined;
  return { name, interface: first?.name ?? '', ranges: range ? [range] : [], hosts: [] };
}

/** A new NAT entry: out through the first host NIC with an address, masquerading the spec's first subnet. */
export function newNat(doc: SpecDoc | undefined, state: HostState | undefined): NatDoc {
  const name = uniqueName(
    'nat',
    sectionOf(doc, 'nat').map((n) => n.name),
  );
  const source = natSourceChoices(doc)[0];
  return {
    name,
    sources: source ? [source.cidr] : [],
    outInterface: natOutChoices(state)[0]?.name ?? '',
    portForwards: [],
  };
}

/**
 * Why a VM's card cannot be changed by this spec, or null when it can. NovaNet changes only cards it attached: the
 * domain's NovaNet metadata names the spec and lists their MACs. The button says so before the validator would.
 */
export function nicLock(
  domain: { owner?: string; xml?: string },
  specName: string | undefined,
  mac: string,
): string | null {
  if (domain.owner && domain.owner !== specName)
    return `The cards of this VM are managed by spec ${domain.owner}; one spec manages a VM's cards.`;
  if (specName && domain.owner === specName && attachedByNovanet(domain.xml, mac)) return null;
  return 'NovaNet did not attach this card, so it leaves it alone: add a card of its own instead.';
}

function attachedByNovanet(xml: string | undefined, mac: string): boolean {
  if (!xml) return false;
  try {
    return parseNicMetadata(xml)?.nics.some((n) => n.mac === mac.toLowerCase()) ?? false;
  } catch {
    return false;
  }
}

/** A locally administered-looking libvirt MAC (52:54:00 is QEMU's prefix) that no VM and no spec entry uses. */
export function freshMac(taken: Iterable<string>, random: () => number = Math.random): string {
  const used = new Set([...taken].map((m) => m.toLowerCase()));
  for (;;) {
    const tail = [0, 1, 2].map(() =>
      Math.floor(random() * 256)
        .toString(16)
        .padStart(2, '0'),
    );
    const mac = `52:54:00:${tail.join(':')}`;
    if (!used.has(mac)) return mac;
  }
}

/** Every MAC in use: on the host's VMs and in the spec's `vms`. */
export function macsInUse(doc: SpecDoc | undefined, state: HostState | undefined): string[] {
  return [
    ...(state?.domains ?? []).flatMap((d) => d.nics.map((n) => n.mac)),
    ...sectionOf(doc, 'vms').flatMap((v) => (v.nics ?? []).map((n) => n.mac)),
  ];
}

/** Takes a card out of the spec: NovaNet detaches it on apply (it only ever lists cards it attached). */
export function removeNic(doc: SpecDoc, vm: string, mac: string): SpecDoc {
  const e = vmEntry(doc, vm);
  if (e.index === undefined) return doc;
  const nics = (e.vm.nics ?? []).filter((n) => n.mac.toLowerCase() !== mac.toLowerCase());
  return putItem(doc, 'vms', e.index, { ...e.vm, nics });
}
