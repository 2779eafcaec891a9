/** A spec's DHCP servers and NAT as found on the host, written back as its `dhcp` and `nat` sections (export). */
import type { HostState } from '../model/host-state';
import type { NetworkSpecInput } from '../spec/schema';

type NatIn = NonNullable<NetworkSpecInput['nat']>[number];

export function exportVmnet(state: HostState, name: string): Pick<NetworkSpecInput, 'dhcp' | 'nat'> {
  const dhcp = (state.vmnet?.dnsmasq ?? []).filter((i) => i.owner === name).map((i) => structuredClone(i.config));
  const nft = state.vmnet?.nft;
  if (!nft?.exists || nft.owner !== name) return { dhcp, nat: [] };
  // The table keeps entries apart by their name (the rules' comment): one entry per name, in the table's order.
  const byName = new Map<string, NatIn>();
  const entry = (n: string, outInterface: string) => {
    let e = byName.get(n);
    if (!e) byName.set(n, (e = { name: n, sources: [], outInterface, portForwards: [] }));
    return e;
  };
  for (const m of nft.masquerade) entry(m.name, m.outInterface).sources?.push(...m.sources);
  for (const f of nft.forwards)
    entry(f.name, f.inInterface).portForwards?.push({ protocol: f.protocol, port: f.port, to: f.to });
  return { dhcp, nat: [...byName.values()] };
}
