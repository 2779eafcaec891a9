/**
 * Pure edits of the spec's VM-network sections (`networks`, `vms`, `dhcp`, `nat`) for the Networks view, and the
 * checks a dialog runs on its own copy before it writes the draft. Like switches/spec-edit.ts, nothing here judges
 * a value: the schema and validateSpec do, with the field's path, exactly as for a YAML file.
 */
import type { HostState, LibvirtNetwork } from '../../../shared/model/host-state';
import { IPV4_CIDR_RE, intToIp, parseCidr } from '../../../shared/spec/ipv4';
import { parseSpec, validateSpec, type SpecIssue } from '../../../shared/spec/validate';
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
