/**
 * libvirt in the in-memory host of sim.ts: networks and domain NICs change as virsh would change them, and the
 * state carries what discovery would read back (owner and XML of owned networks, metadata owner and XML of
 * domains with NovaNet metadata), built with the same builders and read by the same parsers as the real thing.
 * Where virsh would refuse (define over another UUID, start a running network, a reservation that exists), it throws.
 */
import type { Domain, DomainNic, HostState, LibvirtNetwork } from '../../../shared/model/host-state';
import type { Operation } from '../../../shared/plan/operations';
import { isLibvirtOp, type LibvirtOperation } from '../../../shared/plan/operations-libvirt';
import { buildNetworkXml, parseNetworkXml, type NetworkXmlModel } from '../../../shared/plan/libvirt-xml';
import {
  buildInterfaceXml,
  buildNicMetadata,
  parseDomainInterfaces,
  parseNicMetadata,
  type InterfaceXmlModel,
  type NicVlanRecord,
} from '../../../shared/plan/libvirt-interface-xml';
import { NOVANET_XMLNS } from '../../../shared/plan/xml-common';

export class LibvirtSimError extends Error {}

let uuids = 0;
const newUuid = () => `00000000-0000-4000-8000-${String(++uuids).padStart(12, '0')}`;

function networkEntry(m: NetworkXmlModel, uuid: string, prev?: LibvirtNetwork): LibvirtNetwork {
  const ip = m.ipv4 ? m.ipv4.address.split('/') : undefined;
  return {
    id: `net:${m.name}`,
    name: m.name,
    uuid,
    active: prev?.active ?? false,
    persistent: true,
    autostart: prev?.autostart ?? false,
    bridge: m.bridge ?? prev?.bridge ?? `virbr-${m.name.slice(0, 8)}`,
    forwardMode: m.mode,
    ips: ip
      ? [
          {
            family: 'ipv4',
            address: ip[0] ?? '',
            prefix: Number(ip[1]),
            dhcpRanges: (m.ipv4?.dhcp?.ranges ?? []).map((r) => ({ start: r.start, end: r.end })),
          },
        ]
      : [],
    portGroups: (m.portGroups ?? []).map((g) => ({ name: g.name, vlan: g.vlan })),
    virtualPortType: m.virtualPort,
    ...(m.owner
      ? {
          owner: m.owner,
          xml: buildNetworkXml({ ...m, bridge: m.bridge ?? prev?.bridge ?? `virbr-${m.name.slice(0, 8)}` }, uuid),
        }
      : {}),
  };
}

/** A domain as discovery reads it, rebuilt from its interfaces and NovaNet metadata. */
export function domainEntry(
  d: Pick<Domain, 'name' | 'state' | 'uuid'>,
  ifaces: InterfaceXmlModel[],
  meta?: { owner: string; nics: NicVlanRecord[] },
): Domain {
  const nics: DomainNic[] = ifaces.map((i) => ({
    id: `vnic:${d.name}:${i.mac}`,
    mac: i.mac,
    type: 'network' in i.source ? 'network' : 'bridge',
    source: 'network' in i.source ? i.source.network : i.source.bridge,
    ...('network' in i.source && i.source.portGroup ? { portGroup: i.source.portGroup } : {}),
    model: i.model,
    ...(i.vlan?.vlan !== undefined ? { vlan: i.vlan.vlan } : {}),
    ...(i.virtualPort ? { virtualPortType: i.virtualPort } : {}),
  }));
  const base: Domain = { id: `vm:${d.name}`, name: d.name, uuid: d.uuid, state: d.state, persistent: true, nics };
  if (!meta) return base;
  const metadata = buildNicMetadata(meta.owner, meta.nics).replace('<nics ', `<nics xmlns="${NOVANET_XMLNS}" `);
  const xml = `<domain><name>${d.name}</name><metadata>${metadata}</metadata><devices>${ifaces.map(buildInterfaceXml).join('')}</devices></domain>`;
  return { ...base, owner: meta.owner, xml };
}

function network(s: HostState, name: string): LibvirtNetwork {
  const n = s.networks.find((x) => x.name === name);
  if (!n) throw new LibvirtSimError(`network not found: no network with matching name '${name}'`);
  return n;
}

function replaceNetwork(s: HostState, n: LibvirtNetwork): void {
  s.networks = [...s.networks.filter((x) => x.name !== n.name), n];
}

function netOp(s: HostState, op: LibvirtOperation): void {
  switch (op.op) {
    case 'virsh.net.define': {
      const prev = s.networks.find((x) => x.name === op.network.name);
      if (prev && op.uuid !== prev.uuid)
        throw new LibvirtSimError(`network '${prev.name}' already exists with uuid ${prev.uuid}`);
      replaceNetwork(s, networkEntry(op.network, op.uuid ?? newUuid(), prev));
      return;
    }
    case 'virsh.net.undefine': {
      const n = network(s, op.name);
      if (n.active) replaceNetwork(s, { ...n, persistent: false, autostart: false });
      else s.networks = s.networks.filter((x) => x.name !== op.name);
      return;
    }
    case 'virsh.net.start': {
      const n = network(s, op.name);
      if (n.active) throw new LibvirtSimError(`network is already active`);
      replaceNetwork(s, { ...n, active: true });
      return;
    }
    case 'virsh.net.destroy': {
      const n = network(s, op.name);
      if (!n.active) throw new LibvirtSimError(`network is not active`);
      if (!n.persistent) s.networks = s.networks.filter((x) => x.name !== op.name);
      else replaceNetwork(s, { ...n, active: false });
      return;
    }
    case 'virsh.net.autostart':
      replaceNetwork(s, { ...network(s, op.name), autostart: op.enabled });
      return;
    case 'virsh.net.dhcp-host': {
      const n = network(s, op.name);
      const m = parseNetworkXml(n.xml ?? '');
      const dhcp = m.ipv4?.dhcp ?? { ranges: [], hosts: [] };
      const at = dhcp.hosts.findIndex((h) => h.mac === op.host.mac);
      if (op.action === 'add' && at >= 0)
        throw new LibvirtSimError(`there is an existing dhcp host entry with mac ${op.host.mac}`);
      if (op.action === 'delete' && (at < 0 || JSON.stringify(dhcp.hosts[at]) !== JSON.stringify(op.host)))
        throw new LibvirtSimError(`couldn't locate a matching dhcp host entry`);
      const hosts = op.action === 'add' ? [...dhcp.hosts, op.host] : dhcp.hosts.filter((_, i) => i !== at);
      replaceNetwork(s, {
        ...networkEntry(
          { ...m, ipv4: { address: m.ipv4?.address ?? '', dhcp: { ranges: dhcp.ranges, hosts } } },
          n.uuid,
          n,
        ),
        active: n.active,
        autostart: n.autostart,
      });
      return;
    }
    default:
      domOp(s, op);
  }
}

function domOp(s: HostState, op: LibvirtOperation): void {
  if (!('domain' in op)) return; // the hook and tap VLANs change nothing discovery reads here
  const d = s.domains.find((x) => x.name === op.domain);
  if (!d) throw new LibvirtSimError(`failed to get domain '${op.domain}'`);
  // A domain without NovaNet metadata shows no XML: its NICs come from the discovery fields.
  let ifaces: InterfaceXmlModel[] = d.xml ? parseDomainInterfaces(d.xml) : d.nics.map(toModel);
  let meta = d.xml ? parseNicMetadata(d.xml) : undefined;
  const has = (mac: string) => ifaces.some((i) => i.mac === mac);
  switch (op.op) {
    case 'virsh.dom.attach':
      if (has(op.nic.mac)) throw new LibvirtSimError(`a NIC with MAC ${op.nic.mac} exists`);
      ifaces = [...ifaces, op.nic];
      break;
    case 'virsh.dom.detach':
      if (!has(op.mac)) throw new LibvirtSimError(`domain has no interface matching MAC ${op.mac}`);
      ifaces = ifaces.filter((i) => i.mac !== op.mac);
      break;
    case 'virsh.dom.update':
      if (!has(op.nic.mac)) throw new LibvirtSimError(`no device matching MAC address ${op.nic.mac} found`);
      ifaces = ifaces.map((i) => (i.mac === op.nic.mac ? op.nic : i));
      break;
    case 'virsh.dom.metadata':
      meta = op.owner === null ? undefined : { owner: op.owner, nics: op.nics };
      break;
  }
  s.domains = s.domains.map((x) => (x.name === d.name ? domainEntry(d, ifaces, meta) : x));
}

function toModel(n: DomainNic): InterfaceXmlModel {
  const source =
    n.type === 'network'
      ? { network: n.source ?? '', ...(n.portGroup ? { portGroup: n.portGroup } : {}) }
      : { bridge: n.source ?? '' };
  return {
    mac: n.mac,
    model: (n.model ?? 'virtio') as InterfaceXmlModel['model'],
    source,
    ...(n.virtualPortType === 'openvswitch' ? { virtualPort: 'openvswitch' as const } : {}),
    ...(n.vlan !== undefined ? { vlan: { vlan: n.vlan } } : {}),
  };
}

/** Applies a libvirt operation in place; false for every other operation. */
export function mutateLibvirt(s: HostState, op: Operation): boolean {
  if (!isLibvirtOp(op)) return false;
  netOp(s, op);
  return true;
}

/** Reservations are a set to dnsmasq: net-update appends, so an undone delete comes back last. */
function sortedHosts(m: NetworkXmlModel): NetworkXmlModel {
  const dhcp = m.ipv4?.dhcp;
  if (!m.ipv4 || !dhcp) return m;
  return {
    ...m,
    ipv4: { ...m.ipv4, dhcp: { ...dhcp, hosts: [...dhcp.hosts].sort((a, b) => a.mac.localeCompare(b.mac)) } },
  };
}

/** libvirt's part of "exactly as before": networks (state and definition) and domains (NICs, metadata). */
export function canonicalLibvirt(s: HostState) {
  const by = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => a.name.localeCompare(b.name));
  return {
    networks: by(s.networks).map((n) => ({
      name: n.name,
      active: n.active,
      autostart: n.autostart,
      persistent: n.persistent,
      owner: n.owner ?? null,
      model: n.xml ? sortedHosts(parseNetworkXml(n.xml)) : null,
    })),
    domains: by(s.domains).map((d) => ({
      name: d.name,
      nics: (d.xml ? parseDomainInterfaces(d.xml) : d.nics.map(toModel)).sort((a, b) => a.mac.localeCompare(b.mac)),
      meta: d.xml ? (parseNicMetadata(d.xml) ?? null) : null,
    })),
  };
}
