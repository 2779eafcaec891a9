/**
 * Checks of the "bridge my NIC" fields of a switch (mac, gateway): Linux only, a gateway inside one of the
 * switch's subnets, and no member whose default route would silently die when it is enslaved.
 */
import type { HostState } from '../model/host-state';
import type { SwitchSpec } from './schema';
import { contains, ipToInt, IPV4_CIDR_RE, parseCidr } from './ipv4';

type Add = (path: string, message: string) => void;

export function validateBridgeNic(sw: SwitchSpec, at: string, state: HostState, add: Add): void {
  if (sw.type === 'ovs') {
    for (const k of ['mac', 'gateway'] as const)
      if (sw[k] !== undefined) add(`${at}.${k}`, 'applies to Linux bridges only (type: linux)');
    return;
  }
  if (sw.gateway) {
    const gw = ipToInt(sw.gateway);
    const nets = sw.addresses.filter((c) => IPV4_CIDR_RE.test(c)).map(parseCidr);
    if (!nets.some((n) => contains(n, gw))) {
      add(
        `${at}.gateway`,
        `${sw.gateway} is in none of the switch's subnets: add the address that reaches it to addresses`,
      );
    }
  }
  const members: [string, string][] = [
    ...sw.uplinks.map((u, j): [string, string] => [u, `${at}.uplinks[${j}]`]),
    ...sw.ports.map((p, j): [string, string] => [p.name, `${at}.ports[${j}].name`]),
  ];
  for (const [name, path] of members) {
    const r = (state.defaultRoutes ?? []).find((x) => x.dev === name);
    if (r && sw.gateway !== r.gateway) {
      add(
        path,
        `${name} carries the default route via ${r.gateway}, which stops working once ${name} is a port: set gateway: ${r.gateway} (and its address) on ${sw.name} to move it there`,
      );
    }
  }
}
