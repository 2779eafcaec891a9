/**
 * libvirt network XML, built from a `networks[]` entry and parsed back into the same model, so the planner can
 * compare what libvirt holds (`virsh net-dumpxml`) with what the spec wants. Ownership and the description live
 * in one `<metadata>` element in NovaNet's namespace, because libvirt keeps only one element per namespace and
 * libvirt 9.0 has no network `<description>`.
 *
 * Every value is re-checked against the spec's own field schemas before it is written (the builder escapes XML,
 * but a value the schema would refuse has no business in libvirt either).
 */
import { z } from 'zod';
import { ifNameSchema } from '../model/target';
import type { SwitchSpec } from '../spec/schema';
import { descriptionSchema, domainNameSchema, leaseSeconds, objectNameSchema } from '../spec/vm-network-fields';
import {
  dhcpHostSchema,
  dhcpRangeSchema,
  networkModes,
  type DhcpHostSpec,
  type DhcpRangeSpec,
  type LibvirtNetworkSpec,
  type NetworkMode,
} from '../spec/vm-networks';
import { intToIp, parseCidr } from '../spec/ipv4';
import { checked } from './config-guard';
import {
  NOVANET_XMLNS,
  XmlParseError,
  arr,
  attr,
  compact,
  novanetElement,
  obj,
  parseXml,
  text,
  xmlBuilder,
  type X,
} from './xml-common';
import { buildVlanXml, parseVlanXml, vlanFields, vlanOfGroup, withVlanRules, type VlanXml } from './libvirt-vlan-xml';

export const uuidSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');

export interface NetworkPortGroupXml extends VlanXml {
  name: string;
}

/** What a libvirt network definition holds, in spec vocabulary. `autostart` is not XML (virsh net-autostart). */
export interface NetworkXmlModel {
  name: string;
  mode: NetworkMode;
  bridge?: string;
  ipv4?: LibvirtNetworkSpec['ipv4'];
  dns?: { domain: string };
  owner?: string;
  description?: string;
  /** Mode bridge on Open vSwitch: libvirt plugs ports into OVS and applies port-group VLANs itself. */
  virtualPort?: 'openvswitch';
  portGroups?: NetworkPortGroupXml[];
}

/** The structured fields of a network definition: also the payload of the helper's `virsh.net.define` op. */
export const networkXmlModelSchema = z
  .object({
    name: objectNameSchema,
    mode: z.enum(networkModes),
    bridge: ifNameSchema.optional(),
    ipv4: z
      .object({
        address: z.string().refine((c) => {
          try {
            return parseCidr(c).prefix <= 32;
          } catch {
            return false;
          }
        }, 'must be an IPv4 address with prefix'),
        dhcp: z
          .object({ ranges: z.array(dhcpRangeSchema), hosts: z.array(dhcpHostSchema) })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    dns: z.object({ domain: domainNameSchema }).strict().optional(),
    owner: objectNameSchema.optional(),
    description: descriptionSchema.optional(),
    virtualPort: z.literal('openvswitch').optional(),
    portGroups: z.array(withVlanRules(z.object({ name: objectNameSchema, ...vlanFields }).strict())).optional(),
  })
  .strict()
  .refine((m) => m.mode !== 'bridge' || !!m.bridge, { message: 'mode bridge needs a bridge', path: ['bridge'] })
  .refine((m) => !m.description || !!m.owner, {
    message: 'a description is kept in the owner metadata, so it needs an owner',
    path: ['description'],
  })
  .refine(
    (m) => m.mode === 'bridge' || (!m.virtualPort && !m.portGroups?.some((g) => g.vlan !== undefined || g.trunk)),
    {
      message: 'virtualport and VLAN port groups exist only on mode bridge',
      path: ['portGroups'],
    },
  )
  .refine((m) => !!m.virtualPort || !m.portGroups?.some((g) => g.vlan !== undefined || g.trunk), {
    message:
      'libvirt tags VLANs only on Open vSwitch (virtualPort: openvswitch); Linux-bridge VLANs are applied by NovaNet',
    path: ['portGroups'],
  });

/**
 * The model for one spec network: owner from the spec, and for mode bridge the switch's port groups, with VLANs
 * only on OVS (libvirt 9 refuses `<vlan>` in a Linux-bridge network; NovaNet tags those ports itself).
 */
export function networkXmlModel(
  net: LibvirtNetworkSpec,
  owner: string,
  sw?: Pick<SwitchSpec, 'type' | 'portGroups'>,
): NetworkXmlModel {
  const dhcp =
    net.ipv4?.dhcp && (net.ipv4.dhcp.ranges.length || net.ipv4.dhcp.hosts.length) ? net.ipv4.dhcp : undefined;
  const ovs = net.mode === 'bridge' && sw?.type === 'ovs';
  const portGroups =
    net.mode === 'bridge' && sw?.portGroups.length
      ? sw.portGroups.map((g) => (ovs ? { name: g.name, ...vlanOfGroup(g) } : { name: g.name }))
      : undefined;
  return compact({
    name: net.name,
    mode: net.mode,
    bridge: net.bridge,
    ipv4: net.ipv4 ? compact({ address: net.ipv4.address, dhcp }) : undefined,
    dns: net.dns,
    owner,
    description: net.description,
    virtualPort: ovs ? ('openvswitch' as const) : undefined,
    portGroups,
  });
}

const LEASE_UNITS: Record<string, string> = { '': 'seconds', m: 'minutes', h: 'hours' };

function leaseXml(t: string | undefined): X | undefined {
  if (t === undefined) return undefined;
  if (leaseSeconds(t) === null) return { '@expiry': '0' };
  const m = /^(\d+)([mh]?)$/.exec(t);
  if (!m) throw new XmlParseError(`lease time ${t} is not normalised (expected N, Nm or Nh)`);
  return { '@expiry': m[1], '@unit': LEASE_UNITS[m[2] ?? ''] };
}

const rangeXml = (r: DhcpRangeSpec): X => compact({ '@start': r.start, '@end': r.end, lease: leaseXml(r.leaseTime) });
const hostXml = (h: DhcpHostSpec): X => compact({ '@mac': h.mac, '@name': h.name, '@ip': h.ip });

/**
 * One `<host>` for `virsh net-update NET add-last|modify|delete ip-dhcp-host XML --live --config`: reservations
 * change without restarting the network (libvirt updates its dnsmasq), which a redefinition would not do live.
 */
export function buildDhcpHostXml(input: DhcpHostSpec): string {
  return (xmlBuilder.build({ host: hostXml(checked(dhcpHostSchema, input, 'host')) }) as string).trim();
}

/** One `<range>` for `virsh net-update NET add-last|delete ip-dhcp-range XML --live --config`. */
export function buildDhcpRangeXml(input: DhcpRangeSpec): string {
  return (xmlBuilder.build({ range: rangeXml(checked(dhcpRangeSchema, input, 'range')) }) as string).trim();
}

/** `uuid`: libvirt redefines an existing network only under its own UUID. */
export function buildNetworkXml(input: NetworkXmlModel, uuid?: string): string {
  const m = checked(networkXmlModelSchema, input, 'network');
  const net: X = { name: m.name };
  if (uuid !== undefined) net.uuid = checked(uuidSchema, uuid, 'uuid');
  if (m.owner || m.description) {
    const owner: X = { '@xmlns:novanet': NOVANET_XMLNS };
    if (m.description) owner['@description'] = m.description;
    owner['#text'] = m.owner ?? '';
    net.metadata = { 'novanet:owner': owner };
  }
  if (m.mode !== 'isolated') net.forward = { '@mode': m.mode };
  if (m.bridge)
    net.bridge = m.mode === 'bridge' ? { '@name': m.bridge } : { '@name': m.bridge, '@stp': 'on', '@delay': '0' };
  if (m.virtualPort) net.virtualport = { '@type': m.virtualPort };
  // localOnly: names in the network's own domain are answered by its dnsmasq and never leak upstream.
  if (m.dns) net.domain = { '@name': m.dns.domain, '@localOnly': 'yes' };
  if (m.portGroups?.length)
    net.portgroup = m.portGroups.map((g) => compact({ '@name': g.name, vlan: buildVlanXml(g) }));
  if (m.ipv4) {
    const c = parseCidr(m.ipv4.address);
    const ip: X = { '@address': intToIp(c.address), '@prefix': String(c.prefix) };
    const d = m.ipv4.dhcp;
    if (d && (d.ranges.length || d.hosts.length)) {
      ip.dhcp = { range: d.ranges.map(rangeXml), host: d.hosts.map(hostXml) };
    }
    net.ip = ip;
  }
  return xmlBuilder.build({ network: net }) as string;
}

function parseLease(l: unknown): string | undefined {
  const expiry = attr(l, 'expiry');
  if (expiry === undefined) return undefined;
  if (!/^\d+$/.test(expiry)) throw new XmlParseError(`lease expiry ${JSON.stringify(expiry)} is not a number`);
  if (Number(expiry) === 0) return 'infinite';
  const unit = attr(l, 'unit') ?? 'minutes';
  const suffix = Object.entries(LEASE_UNITS).find(([, u]) => u === unit)?.[0];
  if (suffix === undefined)
    throw new XmlParseError(`lease unit ${JSON.stringify(unit)} is not seconds, minutes or hours`);
  return `${Number(expiry)}${suffix}`;
}

function prefixOf(ip: X): number {
  const prefix = attr(ip, 'prefix');
  if (prefix !== undefined) return Number(prefix);
  const mask = attr(ip, 'netmask');
  if (mask === undefined) return 24;
  return mask.split('.').reduce((n, o) => n + (Number(o) >>> 0).toString(2).replace(/0/g, '').length, 0);
}

/** Parses `virsh net-dumpxml` (or our own output) into the model; libvirt's additions (uuid, mac, stp) are dropped. */
export function parseNetworkXml(xml: string): NetworkXmlModel {
  const net = obj(parseXml(xml).network);
  const name = text(net.name);
  if (!name) throw new XmlParseError('network XML without a <name>');
  const fwd = net.forward;
  const mode = fwd === undefined ? 'isolated' : (attr(fwd, 'mode') ?? 'nat');
  if (!(networkModes as readonly string[]).includes(mode))
    throw new XmlParseError(`network ${name}: forward mode ${mode} is not one NovaNet manages`);
  const ip = arr(net.ip).find((i) => (attr(i, 'family') ?? 'ipv4') === 'ipv4');
  let ipv4: NetworkXmlModel['ipv4'];
  if (ip) {
    const dhcp = ip.dhcp === undefined ? undefined : obj(ip.dhcp);
    const ranges = arr(dhcp?.range).map((r) =>
      compact({ start: attr(r, 'start') ?? '', end: attr(r, 'end') ?? '', leaseTime: parseLease(obj(r).lease) }),
    );
    // A host without a MAC (name-only, or DHCPv6 id) is kept with an empty MAC, so a comparison sees the drift.
    const hosts = arr(dhcp?.host).map((h) =>
      compact({ mac: (attr(h, 'mac') ?? '').toLowerCase(), name: attr(h, 'name'), ip: attr(h, 'ip') ?? '' }),
    );
    ipv4 = compact({
      address: `${attr(ip, 'address') ?? ''}/${prefixOf(ip)}`,
      dhcp: ranges.length || hosts.length ? { ranges, hosts } : undefined,
    });
  }
  const owner = novanetElement(net.metadata, 'owner');
  const domain = attr(net.domain, 'name');
  const portGroups = arr(net.portgroup).map((g) => ({ name: attr(g, 'name') ?? '', ...parseVlanXml(g.vlan) }));
  const vp = attr(net.virtualport, 'type');
  if (vp !== undefined && vp !== 'openvswitch')
    throw new XmlParseError(`network ${name}: virtualport type ${vp} is not one NovaNet manages`);
  return compact({
    name,
    mode: mode as NetworkMode,
    bridge: attr(net.bridge, 'name'),
    ipv4,
    dns: domain ? { domain } : undefined,
    owner: owner ? text(owner) : undefined,
    description: owner ? attr(owner, 'description') : undefined,
    virtualPort: vp as 'openvswitch' | undefined,
    portGroups: portGroups.length ? portGroups : undefined,
  });
}
