/**
 * What the DHCP and NAT dialogs offer: interfaces with addresses, subnets to masquerade, and new entries with
 * sensible first values.
 */
import type { HostState } from '../../../shared/model/host-state';
import { intToIp, parseCidr } from '../../../shared/spec/ipv4';
import type { SpecDoc } from '../changes/spec-doc';
import { uniqueName } from '../switches/spec-edit';
import { defaultRange, sectionOf, validCidr, type DhcpDoc, type NatDoc } from './net-edit';
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
