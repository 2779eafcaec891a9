/**
 * Advice that does not stop an apply (shown with the plan, never exit code 2): things that work as written but may
 * not do what the person expects.
 */
import type { HostState } from '../model/host-state';
import type { SpecIssue } from './validate';
import { contains, ipToInt, parseCidr } from './ipv4';
import type { DhcpHostSpec, DhcpRangeSpec } from './vm-networks';
import { interfaceSubnets, type VmNetworkSpecView } from './vm-networks-subnets';
import { splitTarget } from './vm-network-fields';

/**
 * - a reservation inside a dynamic range (allowed; see vm-networks-validate.ts);
 * - a DNS server announced on the interface's own address, where NovaNet's dnsmasq does not answer DNS (port=0);
 * - a port forward into a libvirt network of mode nat: libvirt's own firewall rules (LIBVIRT_FWI) reject new
 *   connections into NAT networks, and a NovaNet accept cannot override another table's reject.
 */
export function vmNetworkWarnings(spec: VmNetworkSpecView, state: HostState): SpecIssue[] {
  const out: SpecIssue[] = [];
  const inRange = (at: string, ranges: readonly DhcpRangeSpec[], hosts: readonly DhcpHostSpec[]) =>
    hosts.forEach((h, k) => {
      const ip = ipToInt(h.ip);
      const r = ranges.findIndex((x) => ipToInt(x.start) <= ip && ip <= ipToInt(x.end));
      if (r >= 0) {
        out.push({
          path: `${at}.hosts[${k}].ip`,
          message: `${h.ip} is inside the dynamic range ${at}.ranges[${r}]; a client holding it dynamically keeps it until its lease ends`,
        });
      }
    });
  spec.networks.forEach(
    (n, i) => n.ipv4?.dhcp && inRange(`networks[${i}].ipv4.dhcp`, n.ipv4.dhcp.ranges, n.ipv4.dhcp.hosts),
  );
  spec.dhcp.forEach((d, i) => {
    inRange(`dhcp[${i}]`, d.ranges, d.hosts);
    const own = new Set((interfaceSubnets(spec, state, d.interface) ?? []).map((s) => s.address));
    d.options.dns?.forEach((dns, k) => {
      if (own.has(ipToInt(dns))) {
        out.push({
          path: `dhcp[${i}].options.dns[${k}]`,
          message: `${dns} is ${d.interface}'s own address; NovaNet's dnsmasq serves DHCP only, so make sure a DNS server listens there`,
        });
      }
    });
  });
  spec.nat.forEach((n, i) =>
    n.portForwards.forEach((f, k) => {
      const ip = ipToInt(splitTarget(f.to).ip);
      const net = spec.networks.find((x) => x.mode === 'nat' && x.ipv4 && contains(parseCidr(x.ipv4.address), ip));
      if (net) {
        out.push({
          path: `nat[${i}].portForwards[${k}].to`,
          message: `${splitTarget(f.to).ip} is in libvirt NAT network ${net.name}, whose own firewall rejects new inbound connections; use mode route or open for a network that takes port forwards`,
        });
      }
    }),
  );
  return out;
}
