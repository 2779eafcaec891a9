/**
 * virsh is read in two calls: one lists networks and domains, one dumps every XML. Commands inside a call are
 * separated by an `echo` marker so the outputs can be split without guessing.
 */
import { XMLParser } from 'fast-xml-parser';
import type { Domain, LibvirtNetwork } from '../../../shared/model/host-state';
import { OutputError } from './tool-output';
import { novanetElement } from '../../../shared/plan/xml-common';

export const VIRSH_MARKER = '@@novanet@@';

/** virsh's own command parser takes single quotes; names containing one are refused rather than escaped. */
export function virshQuote(name: string): string {
  if (name.includes("'") || name.includes('\n')) throw new OutputError(`cannot address libvirt object ${JSON.stringify(name)}`);
  return `'${name}'`;
}

export interface VirshLists {
  networks: { name: string; active: boolean; autostart: boolean; persistent: boolean }[];
  domains: { name: string; state: string; persistent?: boolean }[];
}

export function virshListCommand(): string {
  return `net-list --all; echo ${VIRSH_MARKER}; list --all; echo ${VIRSH_MARKER}; list --transient --name`;
}

export function parseVirshLists(text: string): VirshLists {
  const parts = text.split(VIRSH_MARKER);
  if (parts.length !== 2 && parts.length !== 3) throw new OutputError('virsh returned truncated list output');
  const [netPart = '', domPart = '', transientPart] = parts;
  const transient = new Set((transientPart ?? '').split('\n').map((l) => l.trim()).filter(Boolean));
  const rows = (s: string) =>
    s
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => l.split(/\s{2,}/));
  const networks = rows(netPart).map((r) => {
    if (r.length < 4) throw new OutputError(`virsh net-list: unexpected line "${r.join(' ')}"`);
    return { name: r[0] as string, active: r[1] === 'active', autostart: r[2] === 'yes', persistent: r[3] === 'yes' };
  });
  const domains = rows(domPart).map((r) => {
    if (r.length < 3) throw new OutputError(`virsh list: unexpected line "${r.join(' ')}"`);
    const name = r[1] as string;
    return transientPart === undefined ? { name, state: r.slice(2).join(' ') } : { name, state: r.slice(2).join(' '), persistent: !transient.has(name) };
  });
  return { networks, domains };
}

export function virshDumpCommand(lists: VirshLists): string {
  const cmds = [
    ...lists.networks.map((n) => `net-dumpxml ${virshQuote(n.name)}`),
    ...lists.domains.map((d) => `dumpxml ${virshQuote(d.name)}`),
  ];
  return cmds.join(`; echo ${VIRSH_MARKER}; `);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => ['interface', 'ip', 'range', 'portgroup', 'tag', 'host'].includes(name),
  parseAttributeValue: false,
  parseTagValue: false,
});

type X = Record<string, unknown>;
const obj = (v: unknown): X => (v && typeof v === 'object' ? (v as X) : {});
const arr = (v: unknown): X[] => (Array.isArray(v) ? v.map(obj) : v ? [obj(v)] : []);
const attr = (v: unknown, name: string): string | undefined => {
  const a = obj(v)[`@${name}`];
  return typeof a === 'string' ? a : undefined;
};
const text = (v: unknown): string => (typeof v === 'string' ? v : String(obj(v)['#text'] ?? ''));

function prefixFromNetmask(mask: string): number {
  return mask.split('.').reduce((n, o) => n + (Number(o) >>> 0).toString(2).replace(/0/g, '').length, 0);
}

export function parseNetworkXml(xml: string, meta: VirshLists['networks'][number]): LibvirtNetwork {
  const net = obj(parser.parse(xml).network);
  const name = text(net.name);
  if (!name) throw new OutputError('virsh net-dumpxml returned XML without a network name');
  if (name !== meta.name) throw new OutputError(`virsh net-dumpxml answered for ${name} where ${meta.name} was asked`);
  const forward = obj(net.forward);
  const owner = novanetElement(net.metadata, 'owner');
  const ownerName = owner ? text(owner).trim() : '';
  return {
    id: `net:${name}`,
    name,
    uuid: text(net.uuid),
    active: meta.active,
    persistent: meta.persistent,
    autostart: meta.autostart,
    bridge: attr(net.bridge, 'name'),
    forwardMode: attr(forward, 'mode') ?? (net.forward === undefined ? 'isolated' : 'nat'),
    forwardDev: attr(forward, 'dev'),
    ips: arr(net.ip).map((ip) => {
      const family = attr(ip, 'family') === 'ipv6' ? 'ipv6' : 'ipv4';
      const prefix = attr(ip, 'prefix');
      const netmask = attr(ip, 'netmask');
      return {
        family,
        address: attr(ip, 'address') ?? '',
        prefix: prefix ? Number(prefix) : netmask ? prefixFromNetmask(netmask) : family === 'ipv6' ? 64 : 24,
        dhcpRanges: arr(obj(ip.dhcp).range).map((r) => ({ start: attr(r, 'start') ?? '', end: attr(r, 'end') ?? '' })),
      };
    }),
    portGroups: arr(net.portgroup).map((pg) => {
      const tag = arr(obj(pg.vlan).tag)[0];
      return { name: attr(pg, 'name') ?? '', vlan: tag ? Number(attr(tag, 'id')) : undefined };
    }),
    virtualPortType: attr(net.virtualport, 'type'),
    ...(ownerName ? { owner: ownerName, xml } : {}),
  };
}

export function parseDomainXml(xml: string, meta: VirshLists['domains'][number]): Domain {
  const dom = obj(parser.parse(xml).domain);
  const name = text(dom.name);
  if (!name) throw new OutputError('virsh dumpxml returned XML without a domain name');
  if (name !== meta.name) throw new OutputError(`virsh dumpxml answered for ${name} where ${meta.name} was asked`);
  const owner = attr(novanetElement(dom.metadata, 'nics'), 'owner');
  return {
    id: `vm:${name}`,
    name,
    uuid: text(dom.uuid),
    state: meta.state,
    persistent: meta.persistent ?? true,
    nics: arr(obj(dom.devices).interface).map((i) => {
      const type = attr(i, 'type') ?? 'unknown';
      const src = obj(i.source);
      const mac = attr(i.mac, 'address') ?? '';
      const tag = arr(obj(i.vlan).tag)[0];
      return {
        id: `vnic:${name}:${mac}`,
        mac,
        type,
        source: attr(src, 'network') ?? attr(src, 'bridge') ?? attr(src, 'dev'),
        portGroup: attr(src, 'portgroup'),
        target: attr(i.target, 'dev'),
        model: attr(i.model, 'type'),
        vlan: tag ? Number(attr(tag, 'id')) : undefined,
        virtualPortType: attr(i.virtualport, 'type'),
      };
    }),
    ...(owner ? { owner, xml } : {}),
  };
}

/** Splits the dump call's output; virsh keeps going after a failed command, so each part may be empty. */
export function splitDumps(out: string, lists: VirshLists): { networks: string[]; domains: string[] } {
  const parts = out.split(VIRSH_MARKER);
  const n = lists.networks.length;
  return { networks: parts.slice(0, n), domains: parts.slice(n, n + lists.domains.length) };
}
