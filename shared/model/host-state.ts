import { z } from 'zod';
import { targetSchema } from './target';
import { capabilitiesSchema } from './capabilities';
import { hostVmnetSchema } from './host-vmnet';

export const linkKinds = [
  'physical',
  'loopback',
  'bridge',
  'veth',
  'vlan',
  'vxlan',
  'geneve',
  'bond',
  'tun',
  'tap',
  'macvlan',
  'ovs-bridge',
  'ovs-internal',
  'dummy',
  'wireguard',
  'other',
] as const;
export const linkKindSchema = z.enum(linkKinds);
export type LinkKind = z.infer<typeof linkKindSchema>;

export const addressSchema = z.object({
  family: z.enum(['inet', 'inet6']),
  address: z.string(),
  prefixLength: z.number().int(),
  scope: z.string().optional(),
});
export type Address = z.infer<typeof addressSchema>;

/** A scalar attribute shown verbatim in the details panel. */
const attrValue = z.union([z.string(), z.number(), z.boolean()]);

export const linkSchema = z.object({
  /** Stable across snapshots: derived from namespace and name, never from ifindex. */
  id: z.string(),
  ifindex: z.number().int(),
  name: z.string(),
  kind: linkKindSchema,
  /** The kernel's own kind string (`ip -d link` linkinfo.info_kind), empty for physical/loopback. */
  kernelKind: z.string(),
  mac: z.string().optional(),
  mtu: z.number().int(),
  operState: z.string(),
  adminUp: z.boolean(),
  carrier: z.boolean(),
  master: z.string().optional(),
  alias: z.string().optional(),
  /** For vlan, macvlan and vxlan: the lower device by name (when it lives in the same namespace). */
  parent: z.string().optional(),
  /** For veth: the other end. `netns` is set when the peer lives in another namespace and could be resolved. */
  peer: z
    .object({ ifindex: z.number().int(), name: z.string().optional(), netns: z.string().optional() })
    .optional(),
  vlanId: z.number().int().optional(),
  vxlan: z
    .object({
      vni: z.number().int(),
      local: z.string().optional(),
      remote: z.string().optional(),
      group: z.string().optional(),
      dstPort: z.number().int().optional(),
    })
    .optional(),
  addresses: z.array(addressSchema),
  attributes: z.record(z.string(), attrValue),
});
export type Link = z.infer<typeof linkSchema>;

export const bridgePortSchema = z.object({
  name: z.string(),
  state: z.string(),
  cost: z.number().optional(),
  priority: z.number().optional(),
  vlans: z.array(z.object({ vid: z.number().int(), pvid: z.boolean(), untagged: z.boolean() })),
});
export const linuxBridgeSchema = z.object({
  id: z.string(),
  name: z.string(),
  stp: z.object({
    enabled: z.boolean(),
    priority: z.number().optional(),
    forwardDelay: z.number().optional(),
    helloTime: z.number().optional(),
    maxAge: z.number().optional(),
  }),
  vlanFiltering: z.boolean(),
  multicastSnooping: z.boolean().optional(),
  ageingTime: z.number().optional(),
  ports: z.array(bridgePortSchema),
});
export type LinuxBridge = z.infer<typeof linuxBridgeSchema>;

export const ovsInterfaceSchema = z.object({
  name: z.string(),
  type: z.string(),
  ofport: z.number().int().optional(),
  mac: z.string().optional(),
  error: z.string().optional(),
  options: z.record(z.string(), z.string()),
  externalIds: z.record(z.string(), z.string()),
});
export const ovsPortSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  tag: z.number().int().optional(),
  trunks: z.array(z.number().int()),
  vlanMode: z.string().optional(),
  interfaces: z.array(ovsInterfaceSchema),
  externalIds: z.record(z.string(), z.string()),
});
export const ovsMirrorSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  selectAll: z.boolean(),
  selectSrcPorts: z.array(z.string()),
  selectDstPorts: z.array(z.string()),
  selectVlans: z.array(z.number().int()),
  outputPort: z.string().optional(),
  outputVlan: z.number().int().optional(),
  externalIds: z.record(z.string(), z.string()).default({}),
});
export const ovsBridgeSchema = z.object({
  id: z.string(),
  uuid: z.string(),
  name: z.string(),
  datapathType: z.string(),
  failMode: z.string().optional(),
  controllers: z.array(z.string()),
  protocols: z.array(z.string()),
  externalIds: z.record(z.string(), z.string()),
  ports: z.array(ovsPortSchema),
  mirrors: z.array(ovsMirrorSchema),
});
export type OvsBridge = z.infer<typeof ovsBridgeSchema>;
export type OvsPort = z.infer<typeof ovsPortSchema>;

export const libvirtNetworkSchema = z.object({
  id: z.string(),
  name: z.string(),
  uuid: z.string(),
  active: z.boolean(),
  persistent: z.boolean(),
  autostart: z.boolean(),
  bridge: z.string().optional(),
  forwardMode: z.string(),
  forwardDev: z.string().optional(),
  ips: z.array(
    z.object({
      family: z.enum(['ipv4', 'ipv6']),
      address: z.string(),
      prefix: z.number().int(),
      dhcpRanges: z.array(z.object({ start: z.string(), end: z.string() })),
    }),
  ),
  portGroups: z.array(z.object({ name: z.string(), vlan: z.number().int().optional() })),
  virtualPortType: z.string().optional(),
  /** The spec that owns this network: `<metadata><novanet:owner>` in its XML. */
  owner: z.string().optional(),
  /** The definition as `net-dumpxml` gives it, kept for owned networks only: the planner compares and restores it. */
  xml: z.string().optional(),
});
export type LibvirtNetwork = z.infer<typeof libvirtNetworkSchema>;

export const domainNicSchema = z.object({
  id: z.string(),
  mac: z.string(),
  type: z.string(),
  /** network name, bridge name or direct device, by `type`. */
  source: z.string().optional(),
  portGroup: z.string().optional(),
  /** The host-side tap device while the domain runs. */
  target: z.string().optional(),
  model: z.string().optional(),
  vlan: z.number().int().optional(),
  virtualPortType: z.string().optional(),
});
export const domainSchema = z.object({
  id: z.string(),
  name: z.string(),
  uuid: z.string(),
  state: z.string(),
  persistent: z.boolean(),
  nics: z.array(domainNicSchema),
  /** The spec whose NICs NovaNet attached here: `<metadata><novanet:nics owner=…>` in the domain XML. */
  owner: z.string().optional(),
  /** `dumpxml`, kept for domains with NovaNet metadata only: the planner restores their NICs from it. */
  xml: z.string().optional(),
});
export type Domain = z.infer<typeof domainSchema>;
export type DomainNic = z.infer<typeof domainNicSchema>;

export const sourceNames = ['netns', 'ip', 'bridge', 'ovs', 'libvirt'] as const;
export const sourceNameSchema = z.enum(sourceNames);
export type SourceName = z.infer<typeof sourceNameSchema>;

/** How one source of a snapshot fared: a missing tool or dead daemon is reported here, never thrown. */
export const sourceStatusSchema = z.object({
  status: z.enum(['ok', 'skipped', 'unavailable', 'error']),
  message: z.string().optional(),
  durationMs: z.number(),
});
export type SourceStatus = z.infer<typeof sourceStatusSchema>;

/** One tc filter priority on a clsact hook, with the mirred action it carries (if any): the Linux-bridge mirrors. */
export const tcFilterSchema = z.object({
  dev: z.string(),
  direction: z.enum(['ingress', 'egress']),
  pref: z.number().int(),
  kind: z.string(),
  mirredTo: z.string().optional(),
  cookie: z.string().optional(),
});
export type TcFilter = z.infer<typeof tcFilterSchema>;
/** Devices with a clsact qdisc and the filters on them; absent when tc could not be read. */
export const tcStateSchema = z.object({ clsact: z.array(z.string()), filters: z.array(tcFilterSchema) });
export type TcState = z.infer<typeof tcStateSchema>;

/** An IPv4 default route: "bridge my NIC" moves it from the NIC to the bridge, and a rollback puts it back. */
export const defaultRouteSchema = z.object({ gateway: z.string(), dev: z.string(), metric: z.number().int().optional() });
export type DefaultRoute = z.infer<typeof defaultRouteSchema>;

export const hostStateSchema = z.object({
  target: targetSchema,
  takenAt: z.string(),
  hostname: z.string().optional(),
  namespaces: z.array(z.object({ name: z.string(), id: z.number().int().optional() })),
  links: z.array(linkSchema),
  bridges: z.array(linuxBridgeSchema),
  ovsBridges: z.array(ovsBridgeSchema),
  networks: z.array(libvirtNetworkSchema),
  domains: z.array(domainSchema),
  capabilities: capabilitiesSchema.optional(),
  /** NovaNet's dnsmasq instances, nftables table and IP forwarding; absent from snapshots that did not read them. */
  vmnet: hostVmnetSchema.optional(),
  tc: tcStateSchema.optional(),
  defaultRoutes: z.array(defaultRouteSchema).optional(),
  sources: z.record(sourceNameSchema, sourceStatusSchema),
});
export type HostState = z.infer<typeof hostStateSchema>;

export function linkId(netns: string | undefined, name: string): string {
  return `link:${netns ?? ''}:${name}`;
}
