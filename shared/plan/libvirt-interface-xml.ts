/**
 * A domain's `<interface>` for `virsh attach-device` / `update-device`, and the NovaNet domain metadata that
 * records each NIC's port group and VLAN on Linux bridges. libvirt 9 tags VLANs only on Open vSwitch, so on a
 * Linux bridge the VLAN is NovaNet's job: a qemu hook reads this metadata when the VM starts and sets the
 * bridge VLAN on the tap, which keeps the VLAN across VM restarts without libvirt knowing about it.
 */
import { z } from 'zod';
import { ifNameSchema } from '../model/target';
import type { SwitchSpec } from '../spec/schema';
import { macSchema, objectNameSchema } from '../spec/vm-network-fields';
import { nicModels, type VmNicSpec } from '../spec/vm-networks';
import { checked } from './config-guard';
import { uuidSchema } from './libvirt-xml';
import {
  buildVlanXml,
  parseVlanXml,
  vlanFields,
  vlanOfGroup,
  vlanSchema,
  withVlanRules,
  type VlanXml,
} from './libvirt-vlan-xml';
import {
  NOVANET_XMLNS,
  XmlParseError,
  arr,
  attr,
  compact,
  novanetElement,
  obj,
  parseXml,
  xmlBuilder,
  type X,
} from './xml-common';

export type InterfaceSource = { network: string; portGroup?: string } | { bridge: string };

export interface InterfaceXmlModel {
  mac: string;
  model: (typeof nicModels)[number];
  source: InterfaceSource;
  virtualPort?: 'openvswitch';
  /**
   * The OVS port's interface id libvirt chose. Never compared or parsed back: update-device passes the current one,
   * since libvirt refuses a live change that would re-plug the port under a new id.
   */
  interfaceId?: string;
  /** Only with virtualPort openvswitch: libvirt cannot tag on a Linux bridge. */
  vlan?: VlanXml;
}

/** The structured fields of one NIC: also the payload of the helper's domain interface ops. */
export const interfaceSchema = z
  .object({
    mac: macSchema,
    model: z.enum(nicModels),
    source: z.union([
      z.object({ network: objectNameSchema, portGroup: objectNameSchema.optional() }).strict(),
      z.object({ bridge: ifNameSchema }).strict(),
    ]),
    virtualPort: z.literal('openvswitch').optional(),
    interfaceId: uuidSchema.optional(),
    vlan: vlanSchema.optional(),
  })
  .strict()
  .refine((m) => !m.interfaceId || m.virtualPort === 'openvswitch', {
    message: 'an interface id belongs to an Open vSwitch port',
    path: ['interfaceId'],
  })
  .refine((m) => !m.vlan || (m.virtualPort === 'openvswitch' && 'bridge' in m.source), {
    message: 'a <vlan> on an interface needs an Open vSwitch bridge source (libvirt 9 cannot tag on Linux bridges)',
    path: ['vlan'],
  });

type SwitchView = Pick<SwitchSpec, 'name' | 'type' | 'portGroups'>;

/** The interface for a spec NIC: a network source as is; a switch source with OVS port and VLAN when on OVS. */
export function interfaceXmlModel(nic: VmNicSpec, switches: readonly SwitchView[]): InterfaceXmlModel {
  if (nic.network)
    return { mac: nic.mac, model: nic.model, source: compact({ network: nic.network, portGroup: nic.portGroup }) };
  const sw = switches.find((s) => s.name === nic.switch);
  const src = { bridge: nic.switch ?? '' };
  if (sw?.type !== 'ovs') return { mac: nic.mac, model: nic.model, source: src };
  const g = sw.portGroups.find((x) => x.name === nic.portGroup);
  const vlan = g ? vlanOfGroup(g) : {};
  return compact({
    mac: nic.mac,
    model: nic.model,
    source: src,
    virtualPort: 'openvswitch' as const,
    vlan: Object.keys(vlan).length ? vlan : undefined,
  });
}

export function buildInterfaceXml(input: InterfaceXmlModel): string {
  const m = checked(interfaceSchema, input, 'interface');
  const net = 'network' in m.source;
  const i: X = { '@type': net ? 'network' : 'bridge', mac: { '@address': m.mac } };
  i.source =
    'network' in m.source
      ? compact({ '@network': m.source.network, '@portgroup': m.source.portGroup })
      : { '@bridge': m.source.bridge };
  if (m.virtualPort)
    i.virtualport = m.interfaceId
      ? { '@type': m.virtualPort, parameters: { '@interfaceid': m.interfaceId } }
      : { '@type': m.virtualPort };
  const vlan = m.vlan && buildVlanXml(m.vlan);
  if (vlan) i.vlan = vlan;
  i.model = { '@type': m.model };
  return xmlBuilder.build({ interface: i }) as string;
}

function interfaceFrom(i: X): InterfaceXmlModel {
  const type = attr(i, 'type');
  const src = obj(i.source);
  let source: InterfaceSource;
  if (type === 'network') source = compact({ network: attr(src, 'network') ?? '', portGroup: attr(src, 'portgroup') });
  else if (type === 'bridge') source = { bridge: attr(src, 'bridge') ?? '' };
  else throw new XmlParseError(`interface type ${JSON.stringify(type)} is not one NovaNet manages (network, bridge)`);
  const vlan = parseVlanXml(i.vlan);
  const vp = attr(i.virtualport, 'type');
  return compact({
    mac: (attr(i.mac, 'address') ?? '').toLowerCase(),
    model: (attr(i.model, 'type') ?? 'virtio') as InterfaceXmlModel['model'],
    source,
    virtualPort: vp === 'openvswitch' ? vp : undefined,
    vlan: Object.keys(vlan).length ? vlan : undefined,
  });
}

/** One `<interface>` element, as built above or as `virsh dumpxml` shows it (libvirt's additions dropped). */
export function parseInterfaceXml(xml: string): InterfaceXmlModel {
  const i = arr(parseXml(xml).interface)[0];
  if (!i) throw new XmlParseError('no <interface> element');
  return interfaceFrom(i);
}

/** The network and bridge interfaces of a domain (`virsh dumpxml`), other types skipped. */
export function parseDomainInterfaces(xml: string): InterfaceXmlModel[] {
  const devices = obj(obj(parseXml(xml).domain).devices);
  return arr(devices.interface)
    .filter((i) => ['network', 'bridge'].includes(attr(i, 'type') ?? ''))
    .map(interfaceFrom);
}

/** MAC -> the interface id of each Open vSwitch port in a domain's XML. */
export function ovsInterfaceIds(xml: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of arr(obj(obj(parseXml(xml).domain).devices).interface)) {
    const id = attr(obj(i.virtualport).parameters, 'interfaceid');
    const mac = attr(i.mac, 'address')?.toLowerCase();
    if (id && mac && attr(i.virtualport, 'type') === 'openvswitch') out.set(mac, id);
  }
  return out;
}

/**
 * One NIC NovaNet attached (a NIC without a record is never detached or changed by NovaNet). A NIC on a
 * Linux-bridge port group also names its switch, group and VLANs, which NovaNet applies itself.
 */
export interface NicVlanRecord extends VlanXml {
  mac: string;
  switch?: string;
  portGroup?: string;
}

export const nicRecordSchema = withVlanRules(
  z
    .object({ mac: macSchema, switch: ifNameSchema.optional(), portGroup: objectNameSchema.optional(), ...vlanFields })
    .strict(),
).refine((r) => !!r.switch || (r.vlan === undefined && !r.trunk), {
  message: 'VLANs on a NIC record need the Linux bridge (switch) they are applied on',
  path: ['switch'],
});

/**
 * The element for `virsh metadata DOMAIN https://novanet.invalid/xmlns/1 --key novanet --set XML`: libvirt puts it
 * in NovaNet's namespace itself, so it is written without a prefix.
 */
export function buildNicMetadata(owner: string, nics: readonly NicVlanRecord[]): string {
  const o = checked(objectNameSchema, owner, 'owner');
  const list = nics.map((n, k) => checked(nicRecordSchema, n, `nics[${k}]`));
  const nic = list.map((n) =>
    compact({
      '@mac': n.mac,
      '@switch': n.switch,
      '@portGroup': n.portGroup,
      '@vlan': n.vlan === undefined ? undefined : String(n.vlan),
      '@trunk': n.trunk ? [...n.trunk].sort((a, b) => a - b).join(' ') : undefined,
      '@nativeVlan': n.nativeVlan === undefined ? undefined : String(n.nativeVlan),
    }),
  );
  return xmlBuilder.build({ nics: { '@owner': o, nic } }) as string;
}

/** The NovaNet NIC metadata from a domain's XML, or from `virsh metadata DOMAIN URI` output (the bare element). */
export function parseNicMetadata(xml: string): { owner: string; nics: NicVlanRecord[] } | undefined {
  const doc = parseXml(xml);
  const el =
    doc.domain !== undefined
      ? novanetElement(obj(obj(doc.domain).metadata), 'nics')
      : (novanetElement(doc, 'nics') ?? obj(doc.nics));
  if (!el || Object.keys(el).length === 0) return undefined;
  const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
  const nics = Object.entries(el)
    .filter(([k]) => k === 'nic' || k.endsWith(':nic'))
    .flatMap(([, v]) => arr(v))
    .map((n) => {
      const trunk = attr(n, 'trunk');
      return compact({
        mac: (attr(n, 'mac') ?? '').toLowerCase(),
        switch: attr(n, 'switch'),
        portGroup: attr(n, 'portGroup'),
        vlan: num(attr(n, 'vlan')),
        trunk: trunk ? trunk.split(/\s+/).filter(Boolean).map(Number) : undefined,
        nativeVlan: num(attr(n, 'nativeVlan')),
      });
    });
  return { owner: attr(el, 'owner') ?? '', nics };
}

export { NOVANET_XMLNS };
