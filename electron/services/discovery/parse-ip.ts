/** Parsers for `ip -j -d addr` (or `ip -j -d link`) and `ip -j netns list-id`: pure, tested on recorded output. */
import { z } from 'zod';
import { linkId, type Address, type Link, type LinkKind, type LinuxBridge } from '../../../shared/model/host-state';
import { flatten, OutputError, parseJson } from './tool-output';

const linkinfoSchema = z
  .object({
    info_kind: z.string().optional(),
    info_data: z.record(z.string(), z.unknown()).optional(),
    info_slave_kind: z.string().optional(),
    info_slave_data: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

const rawLinkSchema = z
  .object({
    ifindex: z.number().int(),
    ifname: z.string(),
    flags: z.array(z.string()).default([]),
    mtu: z.number().int(),
    operstate: z.string().default('UNKNOWN'),
    link_type: z.string().optional(),
    address: z.string().optional(),
    master: z.string().optional(),
    link: z.string().nullable().optional(),
    link_index: z.number().int().optional(),
    link_netnsid: z.number().int().optional(),
    ifalias: z.string().optional(),
    addr_info: z.array(z.object({ family: z.string(), local: z.string().optional(), prefixlen: z.number().int().optional() }).passthrough()).optional(),
    linkinfo: linkinfoSchema.optional(),
    parentbus: z.string().optional(),
    parentdev: z.string().optional(),
  })
  .passthrough();
export type RawLink = z.infer<typeof rawLinkSchema>;

/**
 * `ip -j -d addr` (links with their details and addresses in one call) is the largest output NovaNet reads
 * (1.2 MB for 900 links), so it is checked field by field
 * rather than through the schema; the schema still documents the shape and checks the rare odd entry.
 */
export function parseIpLinks(text: string, tool = 'ip -j -d addr'): RawLink[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new OutputError(`${tool} returned output that is not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(data)) throw new OutputError(`${tool} returned unexpected JSON at (root): expected an array`);
  for (let i = 0; i < data.length; i++) {
    const l = data[i] as Record<string, unknown> | null;
    const ok =
      l !== null &&
      typeof l === 'object' &&
      typeof l.ifindex === 'number' &&
      typeof l.ifname === 'string' &&
      typeof l.mtu === 'number' &&
      (l.operstate === undefined || typeof l.operstate === 'string') &&
      (l.master === undefined || typeof l.master === 'string') &&
      (l.address === undefined || typeof l.address === 'string') &&
      (l.flags === undefined || Array.isArray(l.flags)) &&
      (l.linkinfo === undefined || (typeof l.linkinfo === 'object' && l.linkinfo !== null)) &&
      (l.addr_info === undefined || Array.isArray(l.addr_info));
    if (!ok) data[i] = parseJson(`${tool} (entry ${i})`, JSON.stringify(l), rawLinkSchema);
    else {
      l.flags ??= [];
      l.operstate ??= 'UNKNOWN';
    }
  }
  return data as RawLink[];
}

/** Addresses per link, from the `addr_info` of `ip -j [-d] addr` (already shape-checked by parseIpLinks). */
export function addressesOf(raws: RawLink[]): Map<string, Address[]> {
  const out = new Map<string, Address[]>();
  for (const row of raws) {
    const addrs: Address[] = [];
    const info = (row as { addr_info?: unknown }).addr_info;
    if (!Array.isArray(info)) continue;
    for (const a of info as { family?: string; local?: string; prefixlen?: number; scope?: string }[]) {
      if ((a.family === 'inet' || a.family === 'inet6') && a.local && a.prefixlen !== undefined) {
        addrs.push({ family: a.family, address: a.local, prefixLength: a.prefixlen, scope: a.scope });
      }
    }
    out.set(row.ifname, addrs);
  }
  return out;
}

/** `ip -j netns list-id`: nsid (as seen from the target) -> namespace name, where the name is known. */
export function parseNetnsIds(text: string): Map<number, string> {
  const rows = parseJson(
    'ip -j netns list-id',
    text || '[]',
    z.array(z.object({ nsid: z.number().int(), name: z.string().optional() }).passthrough()),
  );
  return new Map(rows.filter((r) => r.name).map((r) => [r.nsid, r.name as string]));
}

export function parseNetnsList(text: string): { name: string; id?: number }[] {
  return parseJson(
    'ip -j netns list',
    text || '[]',
    z.array(z.object({ name: z.string(), id: z.number().int().optional() }).passthrough()),
  ).map((n) => ({ name: n.name, id: n.id }));
}

const kernelKinds: Record<string, LinkKind> = {
  bridge: 'bridge',
  veth: 'veth',
  vlan: 'vlan',
  vxlan: 'vxlan',
  geneve: 'geneve',
  bond: 'bond',
  macvlan: 'macvlan',
  macvtap: 'macvlan',
  dummy: 'dummy',
  wireguard: 'wireguard',
  openvswitch: 'ovs-internal',
};

export function classify(raw: RawLink): LinkKind {
  const kind = raw.linkinfo?.info_kind;
  if (raw.link_type === 'loopback') return 'loopback';
  if (kind === 'tun') return raw.linkinfo?.info_data?.type === 'tap' ? 'tap' : 'tun';
  if (kind) return kernelKinds[kind] ?? 'other';
  // No driver kind: a real device (PCI/USB/...), or something ip cannot describe.
  return raw.link_type === 'ether' || raw.parentbus ? 'physical' : 'other';
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Builds Links for one namespace. `peerNames` resolves veth peers living in other namespaces. */
export function toLinks(
  raws: RawLink[],
  addrs: Map<string, Address[]>,
  netns: string | undefined,
  nsNames: Map<number, string>,
  peerNames: Map<string, Map<number, string>>,
): Link[] {
  const byIndex = new Map(raws.map((r) => [r.ifindex, r]));
  const byName = new Map(raws.map((r) => [r.ifname, r]));
  return raws.map((raw) => {
    const kind = classify(raw);
    const data = raw.linkinfo?.info_data ?? {};
    const link: Link = {
      id: linkId(netns, raw.ifname),
      ifindex: raw.ifindex,
      name: raw.ifname,
      kind,
      kernelKind: raw.linkinfo?.info_kind ?? '',
      mac: raw.address,
      mtu: raw.mtu,
      operState: raw.operstate.toLowerCase(),
      adminUp: raw.flags.includes('UP'),
      carrier: raw.flags.includes('LOWER_UP') && !raw.flags.includes('NO-CARRIER'),
      master: raw.master,
      alias: raw.ifalias,
      addresses: addrs.get(raw.ifname) ?? [],
      attributes: {},
    };
    if (kind === 'veth') {
      if (raw.link_netnsid !== undefined && raw.link_index !== undefined) {
        const peerNs = nsNames.get(raw.link_netnsid);
        link.peer = {
          ifindex: raw.link_index,
          netns: peerNs,
          name: peerNs ? peerNames.get(peerNs)?.get(raw.link_index) : undefined,
        };
      } else if (raw.link) {
        const peer = byName.get(raw.link);
        link.peer = { ifindex: peer?.ifindex ?? -1, name: raw.link, netns };
      }
    } else if (raw.link) {
      link.parent = raw.link;
    } else if (raw.link_index !== undefined && raw.link_netnsid === undefined) {
      link.parent = byIndex.get(raw.link_index)?.ifname;
    }
    if (kind === 'vlan') link.vlanId = num(data.id);
    if (kind === 'vxlan') {
      link.vxlan = {
        vni: num(data.id) ?? 0,
        local: str(data.local) ?? str(data.local6),
        remote: str(data.remote) ?? str(data.remote6),
        group: str(data.group) ?? str(data.group6),
        dstPort: num(data.port),
      };
      link.parent ??= str(data.link);
    }
    if (kind === 'geneve') link.vxlan = { vni: num(data.id) ?? 0, remote: str(data.remote), dstPort: num(data.port) };
    link.attributes = linkAttributes(raw);
    return link;
  });
}

const SKIP = new Set(['ifname', 'linkinfo', 'addr_info', 'link', 'link_index', 'ifalias']);

function linkAttributes(raw: RawLink): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  const r = raw as Record<string, unknown>;
  for (const k in r) {
    if (SKIP.has(k)) continue;
    const v = r[k];
    const t = typeof v;
    if (t === 'string' || t === 'number' || t === 'boolean') out[k] = v as string | number | boolean;
    else flatten(v, k, out);
  }
  const li = raw.linkinfo;
  if (li?.info_kind) {
    out['driver kind'] = li.info_kind;
    flatten(li.info_data, li.info_kind, out);
  }
  if (li?.info_slave_kind) flatten(li.info_slave_data, `port (${li.info_slave_kind})`, out);
  return out;
}

/** Linux bridges and their ports, from the bridge links' details. Times arrive in centiseconds. */
export function toBridges(raws: RawLink[], netns: string | undefined): LinuxBridge[] {
  return raws
    .filter((r) => r.linkinfo?.info_kind === 'bridge')
    .map((r) => {
      const d = r.linkinfo?.info_data ?? {};
      const cs = (v: unknown) => (typeof v === 'number' ? v / 100 : undefined);
      return {
        id: linkId(netns, r.ifname),
        name: r.ifname,
        stp: {
          enabled: d.stp_state !== undefined && d.stp_state !== 0,
          priority: num(d.priority),
          forwardDelay: cs(d.forward_delay),
          helloTime: cs(d.hello_time),
          maxAge: cs(d.max_age),
        },
        vlanFiltering: d.vlan_filtering === 1,
        multicastSnooping: d.mcast_snooping === undefined ? undefined : d.mcast_snooping === 1,
        ageingTime: cs(d.ageing_time),
        ports: raws
          .filter((p) => p.master === r.ifname && p.linkinfo?.info_slave_kind === 'bridge')
          .map((p) => ({
            name: p.ifname,
            state: String(p.linkinfo?.info_slave_data?.state ?? 'unknown'),
            cost: num(p.linkinfo?.info_slave_data?.cost),
            priority: num(p.linkinfo?.info_slave_data?.priority),
            vlans: [],
          })),
      };
    });
}
