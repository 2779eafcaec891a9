/**
 * Subnet suggestion for the network wizard: the first RFC 1918 block of the asked size that overlaps nothing on
 * the host (link addresses, libvirt networks) or in the spec. 192.168.100.0 upwards first, because 192.168.0-99
 * are the usual home-router and libvirt-default (192.168.122.0/24 is above, and is simply skipped when in use).
 */
import type { HostState } from '../model/host-state';
import { formatNet, intToIp, ipToInt, netOf, overlaps, type Ipv4Net } from './ipv4';
import { hostSubnets, specSubnets, type VmNetworkSpecView } from './vm-networks-subnets';

const WALK: readonly [string, string][] = [
  ['192.168.100.0', '192.168.255.255'],
  ['10.0.0.0', '10.255.255.255'],
  ['172.16.0.0', '172.31.255.255'],
  ['192.168.0.0', '192.168.99.255'],
];

function* candidates(prefix: number): Generator<Ipv4Net> {
  const size = 2 ** (32 - prefix);
  for (const [from, to] of WALK) {
    const end = ipToInt(to);
    for (let n = Math.ceil(ipToInt(from) / size) * size; n + size - 1 <= end; n += size) yield netOf(n, prefix);
  }
}

function freeSubnet(state: HostState, spec: VmNetworkSpecView, prefix: number): Ipv4Net {
  if (!Number.isInteger(prefix) || prefix < 8 || prefix > 30)
    throw new RangeError(`prefix must be from 8 to 30, not ${prefix}`);
  const taken = [...specSubnets(spec), ...hostSubnets(spec, state)].map((s) => s.net);
  for (const c of candidates(prefix)) if (!taken.some((t) => overlaps(t, c))) return c;
  throw new Error(`no free private /${prefix} subnet: every RFC 1918 block of that size overlaps something`);
}

/** The first free RFC 1918 subnet of `/prefix`, as `192.168.100.0/24`. */
export function suggestSubnet(state: HostState, spec: VmNetworkSpecView, prefix = 24): string {
  return formatNet(freeSubnet(state, spec, prefix));
}

/**
 * A ready `ipv4` block for the wizard: the first host address for the bridge, and a dynamic range over the upper
 * half of the subnet so the lower half stays free for reservations and static addresses.
 */
export function suggestIpv4(
  state: HostState,
  spec: VmNetworkSpecView,
  prefix = 24,
): { address: string; range: { start: string; end: string } } {
  const n = freeSubnet(state, spec, prefix);
  const size = n.last - n.network + 1;
  return {
    address: `${intToIp(n.network + 1)}/${prefix}`,
    range: { start: intToIp(n.network + Math.max(2, size / 2)), end: intToIp(n.last - 1) },
  };
}
