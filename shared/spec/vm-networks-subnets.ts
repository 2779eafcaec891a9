/**
 * Where subnets live, for the overlap checks, the subnet suggestion and the "which subnet is this address in"
 * questions: the spec's own (networks, switch addresses) and the host's (link addresses, libvirt networks that are
 * not this spec's). A libvirt network's bridge carries the network's address while it runs, so that link is
 * skipped and the network itself is counted once, whether it runs or not.
 */
import type { HostState, LibvirtNetwork } from '../model/host-state';
import type { SwitchSpec } from './schema';
import { IPV4_RE, ipToInt, netOf, parseCidr, type Ipv4Net } from './ipv4';
import type { VmNetworkSections } from './vm-networks';
import { linkOwner } from '../plan/ownership';

/** The parts of a NetworkSpec these checks read, so they work before and after the sections are merged in. */
export type VmNetworkSpecView = VmNetworkSections & {
  metadata: { name: string };
  switches?: readonly Pick<SwitchSpec, 'name' | 'type' | 'addresses' | 'portGroups' | 'vlanFiltering'>[];
};

export interface NamedSubnet {
  net: Ipv4Net;
  /** Spec path (`networks[0].ipv4.address`) or a host description (`enp3s0 (10.0.0.5/24)`). */
  where: string;
  /** Which object holds it, so one object's addresses are never compared with each other. */
  holder: string;
}

/** libvirt ownership comes from `<metadata><novanet:owner>`, which discovery reports as `owner`. */
export function networkOwner(n: LibvirtNetwork): string | undefined {
  return n.owner;
}

export function specSubnets(spec: VmNetworkSpecView): NamedSubnet[] {
  const out: NamedSubnet[] = [];
  spec.networks.forEach((n, i) => {
    if (n.ipv4)
      out.push({ net: parseCidr(n.ipv4.address), where: `networks[${i}].ipv4.address`, holder: `network:${n.name}` });
  });
  (spec.switches ?? []).forEach((s, i) =>
    s.addresses.forEach((a, j) => {
      if (IPV4_RE.test(a.split('/')[0] ?? ''))
        out.push({ net: parseCidr(a), where: `switches[${i}].addresses[${j}]`, holder: `switch:${s.name}` });
    }),
  );
  return out;
}

/** Links whose addresses the spec itself decides: its switches, its networks' bridges, links it already owns. */
function managedLinks(spec: VmNetworkSpecView, state: HostState): Set<string> {
  const names = new Set<string>((spec.switches ?? []).map((s) => s.name));
  for (const n of spec.networks) if (n.bridge && n.mode !== 'bridge') names.add(n.bridge);
  for (const l of state.links) if (linkOwner(l) === spec.metadata.name) names.add(l.name);
  return names;
}

/** libvirt networks the spec does not decide: other owners, and names the spec does not define. */
export function foreignNetworks(spec: VmNetworkSpecView, state: HostState): LibvirtNetwork[] {
  const mine = new Set(spec.networks.map((n) => n.name));
  return state.networks.filter((n) => !mine.has(n.name) && networkOwner(n) !== spec.metadata.name);
}

export function hostSubnets(spec: VmNetworkSpecView, state: HostState): NamedSubnet[] {
  const out: NamedSubnet[] = [];
  const skip = managedLinks(spec, state);
  for (const n of state.networks) if (n.bridge) skip.add(n.bridge);
  // An address a spec switch lists is that switch's ("bridge my NIC" moves it there from its uplink), not a clash.
  const moving = new Set((spec.switches ?? []).flatMap((s) => s.addresses));
  for (const l of state.links) {
    if (l.kind === 'loopback' || skip.has(l.name)) continue;
    for (const a of l.addresses) {
      if (a.family !== 'inet' || !IPV4_RE.test(a.address) || moving.has(`${a.address}/${a.prefixLength}`)) continue;
      out.push({
        net: netOf(ipToInt(a.address), a.prefixLength),
        where: `${a.address}/${a.prefixLength} on ${l.name}`,
        holder: `link:${l.name}`,
      });
    }
  }
  for (const n of foreignNetworks(spec, state)) {
    for (const ip of n.ips) {
      if (ip.family !== 'ipv4' || !IPV4_RE.test(ip.address)) continue;
      out.push({
        net: netOf(ipToInt(ip.address), ip.prefix),
        where: `${ip.address}/${ip.prefix} of libvirt network ${n.name}`,
        holder: `libvirt:${n.name}`,
      });
    }
  }
  return out;
}

/** The IPv4 subnets an interface will carry: from the spec when it is a spec switch, else from the host. */
export function interfaceSubnets(spec: VmNetworkSpecView, state: HostState, name: string): Ipv4Net[] | undefined {
  const sw = (spec.switches ?? []).find((s) => s.name === name);
  if (sw) return sw.addresses.filter((a) => IPV4_RE.test(a.split('/')[0] ?? '')).map(parseCidr);
  const l = state.links.find((x) => x.name === name);
  if (!l) return undefined;
  return l.addresses
    .filter((a) => a.family === 'inet' && IPV4_RE.test(a.address))
    .map((a) => netOf(ipToInt(a.address), a.prefixLength));
}

/** Subnets NovaNet manages: where a port forward may point. */
export function managedSubnets(spec: VmNetworkSpecView, state: HostState): Ipv4Net[] {
  const out = specSubnets(spec).map((s) => s.net);
  for (const d of spec.dhcp) out.push(...(interfaceSubnets(spec, state, d.interface) ?? []));
  return out;
}
