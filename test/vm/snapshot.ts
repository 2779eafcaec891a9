/**
 * A namespace's networking as the raw tools report it, reduced to what a rollback must restore: links with their
 * kind, master, alias, MTU, admin state and addresses, every bridge port's VLANs, and the OVS bridges and ports.
 * Left out on purpose: what the kernel changes by itself and no rollback can undo (ifindex, the qdisc a device
 * gets once it has been up, IPv6 link-local addresses, timers, carrier).
 */
import type { VmSession } from './harness';

interface RawLink {
  ifname: string;
  flags?: string[];
  mtu: number;
  master?: string;
  ifalias?: string;
  linkinfo?: { info_kind?: string };
  addr_info?: { family: string; local: string; prefixlen: number; scope?: string }[];
}

export interface Snapshot {
  links: Record<string, string>;
  vlans: Record<string, string>;
  ovs: string;
}

const SEP = '@@novanet-snapshot@@';

export async function snapshot(vm: VmSession, netns: string, ovsDb: string): Promise<Snapshot> {
  const r = await vm.run(
    [
      `ip -n ${netns} -j -d addr show`,
      `echo ${SEP}`,
      `bridge -n ${netns} -j vlan show`,
      `echo ${SEP}`,
      `for b in $(ovs-vsctl --db=${ovsDb} list-br); do echo "$b: $(ovs-vsctl --db=${ovsDb} list-ports $b | tr '\\n' ' ')"; done`,
    ].join('\n'),
  );
  if (r.exitCode !== 0) throw new Error(`snapshot of ${netns} failed: ${r.stderr}`);
  const [ipJson = '[]', vlanJson = '[]', ovs = ''] = r.stdout.split(`${SEP}\n`);
  const links: Record<string, string> = {};
  for (const l of JSON.parse(ipJson) as RawLink[]) {
    // ovs-vswitchd's own datapath device comes and goes with the first and last kernel-datapath bridge, in its time.
    if (l.ifname === 'ovs-system') continue;
    const addrs = (l.addr_info ?? []).filter((a) => !(a.family === 'inet6' && a.scope === 'link'));
    links[l.ifname] = [
      l.linkinfo?.info_kind ?? 'device',
      l.flags?.includes('UP') ? 'up' : 'down',
      `mtu ${l.mtu}`,
      l.master ? `master ${l.master}` : '',
      l.ifalias ? `alias ${l.ifalias}` : '',
      ...addrs.map((a) => `${a.local}/${a.prefixlen}`),
    ]
      .filter(Boolean)
      .join(' ');
  }
  const vlans: Record<string, string> = {};
  for (const p of JSON.parse(vlanJson || '[]') as {
    ifname: string;
    vlans?: { vlan: number; vlanEnd?: number; flags?: string[] }[];
  }[]) {
    vlans[p.ifname] = (p.vlans ?? [])
      .map((v) => `${v.vlan}${v.vlanEnd ? `-${v.vlanEnd}` : ''}${(v.flags ?? []).map((f) => ` ${f}`).join('')}`)
      .join(', ');
  }
  return { links, vlans, ovs: ovs.trim() };
}
