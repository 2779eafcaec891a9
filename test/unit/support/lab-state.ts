/**
 * The recorded lab (`novanet lab up --name nnlab`) turned into a HostState by the real parsers, so discovery and
 * graph tests share one picture of it. The namespace ids and peer names are those the lab creates: nsid 0 is the
 * upstream namespace (up0, up1), nsids 1-5 are the VM namespaces (each with eth0 at ifindex 2).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostState } from '../../../shared/model/host-state';
import { addressesOf, parseIpLinks, toBridges, toLinks, type RawLink } from '../../../electron/services/discovery/parse-ip';
import { applyBridgeVlans, parseBridgeVlans } from '../../../electron/services/discovery/parse-bridge';
import { parseOvs } from '../../../electron/services/discovery/parse-ovs';
import { parseDomainXml, parseNetworkXml, parseVirshLists, splitDumps } from '../../../electron/services/discovery/parse-virsh';
import { reconcileOvsLinks } from '../../../electron/services/discovery/reconcile';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

export function fixture(path: string): string {
  return readFileSync(join(FIXTURES, path), 'utf8');
}

export const LAB = 'nnlab';
export const LAB_OVS_DB = 'unix:/run/novanet/lab/nnlab/ovs/db.sock';

export const LAB_NSIDS = new Map<number, string>([
  [0, 'nnlab-up'],
  [1, 'nnlab-vm1'],
  [2, 'nnlab-vm2'],
  [3, 'nnlab-vm3'],
  [4, 'nnlab-vm4'],
  [5, 'nnlab-vm5'],
]);

export const LAB_PEER_NAMES = new Map<string, Map<number, string>>([
  ['nnlab-up', new Map([[2, 'up0'], [3, 'up1']])],
  ...[1, 2, 3, 4, 5].map((i): [string, Map<number, string>] => [`nnlab-vm${i}`, new Map([[2, 'eth0']])]),
]);

/**
 * Discovery reads `ip -j -d addr` (details and addresses in one call); the lab recorded `ip -j -d link` and
 * `ip -j addr` separately, so the addresses of ip-addr.json are put onto the links of ip-link.json by name.
 */
export function labIpDetailAddrText(): string {
  const addrs = new Map((JSON.parse(fixture('lab/ip-addr.json')) as { ifname: string; addr_info: unknown }[]).map((a) => [a.ifname, a.addr_info]));
  const links = JSON.parse(fixture('lab/ip-link.json')) as { ifname: string }[];
  return JSON.stringify(links.map((l) => ({ ...l, addr_info: addrs.get(l.ifname) ?? [] })));
}

export function labRaws(): RawLink[] {
  return parseIpLinks(labIpDetailAddrText());
}

/**
 * The recorded dump holds nntest-net and nntest-vm only (the `default` network of virsh-list.txt was not
 * dumped), so `default` comes from a hand-written XML.
 */
export function labLibvirt(): Pick<HostState, 'networks' | 'domains'> {
  const lists = parseVirshLists(fixture('virsh-list.txt'));
  const meta = (name: string) => {
    const m = lists.networks.find((n) => n.name === name);
    if (!m) throw new Error(`no ${name} in virsh-list.txt`);
    return m;
  };
  const domain = lists.domains[0];
  if (!domain) throw new Error('no domain in virsh-list.txt');
  const parts = splitDumps(fixture('virsh-dumpxml.txt'), { networks: [meta('nntest-net')], domains: [domain] });
  return {
    networks: [parseNetworkXml(fixture('unit/virsh-net-default.xml'), meta('default')), parseNetworkXml(parts.networks[0] ?? '', meta('nntest-net'))],
    domains: [parseDomainXml(parts.domains[0] ?? '', domain)],
  };
}

export function labState(): HostState {
  const raws = labRaws();
  const ovsBridges = parseOvs(fixture('lab/ovs.json'));
  const links = reconcileOvsLinks(toLinks(raws, addressesOf(raws), LAB, LAB_NSIDS, LAB_PEER_NAMES), ovsBridges);
  const bridges = applyBridgeVlans(toBridges(raws, LAB), parseBridgeVlans(fixture('lab/bridge-vlan.json')));
  const ok = { status: 'ok' as const, durationMs: 1 };
  return {
    target: { netns: LAB, ovsDb: LAB_OVS_DB },
    takenAt: '2025-01-01T00:00:00.000Z',
    hostname: 'lab-host',
    namespaces: [...LAB_NSIDS.values(), LAB].map((name) => ({ name })),
    links,
    bridges,
    ovsBridges,
    ...labLibvirt(),
    sources: { netns: ok, ip: ok, bridge: ok, ovs: ok, libvirt: ok },
  };
}
