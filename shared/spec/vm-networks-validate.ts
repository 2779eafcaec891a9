/**
 * Semantic validation of the VM-network sections against the host: subnets that overlap (in the spec, on the
 * host's links, in libvirt networks that are not this spec's), DHCP ranges and reservations that do not fit their
 * subnet or collide, port forwards to nowhere, references to networks, switches, port groups and VMs that do not
 * exist. Every issue names the field by path.
 *
 * Decided: a reservation inside a dynamic range is allowed (libvirt's and dnsmasq's own examples do it; dnsmasq
 * never hands a reserved address to another MAC). It is reported by `vmNetworkWarnings`, never as an error, because
 * until an old dynamic lease of that address expires the reservation cannot take effect.
 */
import type { HostState } from '../model/host-state';
import type { SpecIssue } from './validate';
import { contains, formatNet, intToIp, ipToInt, isHostAddress, overlaps, parseCidr, type Ipv4Net } from './ipv4';
import type { DhcpHostSpec, DhcpRangeSpec } from './vm-networks';
import {
  foreignNetworks,
  hostSubnets,
  interfaceSubnets,
  managedSubnets,
  networkOwner,
  specSubnets,
  type VmNetworkSpecView,
} from './vm-networks-subnets';
import { splitTarget } from './vm-network-fields';
import { validateVms } from './vm-networks-vms';

type Add = (path: string, message: string) => void;

export function validateVmNetworks(spec: VmNetworkSpecView, state: HostState): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const add: Add = (path, message) => issues.push({ path, message });
  checkSubnets(spec, state, add);
  checkNetworks(spec, state, add);
  checkDhcp(spec, state, add);
  checkNat(spec, state, add);
  validateVms(spec, state, add);
  return issues;
}

function checkSubnets(spec: VmNetworkSpecView, state: HostState, add: Add): void {
  const mine = specSubnets(spec);
  mine.forEach((s, i) => {
    const earlier = mine.slice(0, i).find((o) => o.holder !== s.holder && overlaps(o.net, s.net));
    if (earlier) add(s.where, `${formatNet(s.net)} overlaps ${formatNet(earlier.net)} of ${earlier.where}`);
  });
  const host = hostSubnets(spec, state);
  for (const s of mine) {
    const clash = host.find((h) => overlaps(h.net, s.net));
    if (clash) add(s.where, `${formatNet(s.net)} overlaps ${clash.where} on the host`);
  }
}

function unique<T>(
  items: readonly T[],
  key: (t: T) => string | undefined,
  each: (i: number, first: number) => void,
): void {
  const seen = new Map<string, number>();
  items.forEach((t, i) => {
    const k = key(t);
    if (k === undefined) return;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else each(i, first);
  });
}

function checkNetworks(spec: VmNetworkSpecView, state: HostState, add: Add): void {
  const me = spec.metadata.name;
  const switches = new Map((spec.switches ?? []).map((s) => [s.name, s]));
  const links = new Map(state.links.map((l) => [l.name, l]));
  unique(
    spec.networks,
    (n) => n.name,
    (i, f) => add(`networks[${i}].name`, `network ${spec.networks[i]?.name} is already defined at networks[${f}]`),
  );
  unique(
    spec.networks,
    (n) => (n.mode === 'bridge' ? undefined : n.bridge),
    (i, f) => add(`networks[${i}].bridge`, `bridge ${spec.networks[i]?.bridge} is already used by networks[${f}]`),
  );
  const foreign = foreignNetworks(spec, state);
  spec.networks.forEach((n, i) => {
    const at = `networks[${i}]`;
    const existing = state.networks.find((x) => x.name === n.name);
    const owner = existing ? networkOwner(existing) : undefined;
    if (existing && owner !== me)
      add(
        `${at}.name`,
        `libvirt network ${n.name} already exists and ${owner ? `belongs to spec ${owner}` : 'is not managed by NovaNet'}`,
      );
    if (n.mode === 'bridge') {
      const b = n.bridge ?? '';
      const onHost = state.bridges.some((x) => x.name === b) || state.ovsBridges.some((x) => x.name === b);
      if (!switches.has(b) && !onHost)
        add(`${at}.bridge`, `no switch named ${b} in switches, and no bridge of that name on the host`);
    } else if (n.bridge) {
      if (switches.has(n.bridge))
        add(
          `${at}.bridge`,
          `${n.bridge} is a switch of this spec; libvirt creates its own bridge for mode ${n.mode} (use mode bridge to attach to a switch)`,
        );
      const other = foreign.find((x) => x.bridge === n.bridge);
      const mineBefore = existing && owner === me && existing.bridge === n.bridge;
      if (other) add(`${at}.bridge`, `${n.bridge} is the bridge of libvirt network ${other.name}`);
      else if (links.has(n.bridge) && !mineBefore) add(`${at}.bridge`, `${n.bridge} already exists on the host`);
    }
    if (n.ipv4?.dhcp) {
      const net = parseCidr(n.ipv4.address);
      checkScope(
        `${at}.ipv4.dhcp`,
        n.ipv4.dhcp.ranges,
        n.ipv4.dhcp.hosts,
        [net],
        `network ${n.name}`,
        add,
        net.address,
      );
    }
  });
}

/** Ranges and reservations of one DHCP server: each inside a subnet, ordered, not overlapping, not reused. */
function checkScope(
  at: string,
  ranges: readonly DhcpRangeSpec[],
  hosts: readonly DhcpHostSpec[],
  subnets: readonly Ipv4Net[],
  what: string,
  add: Add,
  ...own: number[]
): void {
  const listing = subnets.map(formatNet).join(', ');
  const within = (ip: number) => subnets.find((s) => isHostAddress(s, ip));
  const placed: { start: number; end: number; path: string }[] = [];
  ranges.forEach((r, k) => {
    const path = `${at}.ranges[${k}]`;
    const [s, e] = [ipToInt(r.start), ipToInt(r.end)];
    const sNet = within(s);
    const eNet = within(e);
    if (!sNet) add(`${path}.start`, `${r.start} is outside the subnet of ${what} (${listing})`);
    if (!eNet) add(`${path}.end`, `${r.end} is outside the subnet of ${what} (${listing})`);
    if (s > e) return add(`${path}.end`, `${r.end} comes before start ${r.start}`);
    // A range that leaves the subnet is reported for that alone; its overlaps would only be an echo.
    if (!sNet || !eNet) return;
    if (sNet !== eNet) return add(`${path}.end`, `${r.end} is in another subnet than start ${r.start}`);
    const gw = own.find((o) => o >= s && o <= e);
    if (gw !== undefined) add(path, `includes ${intToIp(gw)}, the address of ${what} itself`);
    const prev = placed.find((p) => p.start <= e && s <= p.end);
    if (prev) add(path, `overlaps ${prev.path}`);
    placed.push({ start: s, end: e, path });
  });
  hosts.forEach((h, k) => {
    const ip = ipToInt(h.ip);
    if (!within(ip)) add(`${at}.hosts[${k}].ip`, `${h.ip} is outside the subnet of ${what} (${listing})`);
    else if (own.includes(ip)) add(`${at}.hosts[${k}].ip`, `${h.ip} is the address of ${what} itself`);
  });
  unique(
    hosts,
    (h) => h.mac,
    (i, f) => add(`${at}.hosts[${i}].mac`, `${hosts[i]?.mac} is already reserved at ${at}.hosts[${f}]`),
  );
  unique(
    hosts,
    (h) => h.ip,
    (i, f) =>
      add(`${at}.hosts[${i}].ip`, `${hosts[i]?.ip} is already reserved for ${hosts[f]?.mac} at ${at}.hosts[${f}]`),
  );
  unique(
    hosts,
    (h) => h.name,
    (i, f) => add(`${at}.hosts[${i}].name`, `host name ${hosts[i]?.name} is already used at ${at}.hosts[${f}]`),
  );
}

function checkDhcp(spec: VmNetworkSpecView, state: HostState, add: Add): void {
  unique(
    spec.dhcp,
    (d) => d.name,
    (i, f) => add(`dhcp[${i}].name`, `${spec.dhcp[i]?.name} is already defined at dhcp[${f}]`),
  );
  unique(
    spec.dhcp,
    (d) => d.interface,
    (i, f) =>
      add(
        `dhcp[${i}].interface`,
        `${spec.dhcp[i]?.interface} already has a DHCP server at dhcp[${f}] (one dnsmasq per interface)`,
      ),
  );
  const libvirtBridges = new Map<string, string>();
  for (const n of state.networks) if (n.bridge) libvirtBridges.set(n.bridge, n.name);
  for (const n of spec.networks) if (n.bridge && n.mode !== 'bridge' && n.ipv4) libvirtBridges.set(n.bridge, n.name);
  spec.dhcp.forEach((d, i) => {
    const at = `dhcp[${i}]`;
    const lv = libvirtBridges.get(d.interface);
    const other = state.vmnet?.dnsmasq.find(
      (x) => x.interface === d.interface && x.owner !== spec.metadata.name && x.running,
    );
    if (other)
      return add(
        `${at}.interface`,
        `${d.interface} already has a DHCP server of spec ${other.owner} (${other.name}); one dnsmasq per interface`,
      );
    if (lv)
      return add(
        `${at}.interface`,
        `${d.interface} is the bridge of libvirt network ${lv}, whose own dnsmasq serves DHCP there (use networks[].ipv4.dhcp)`,
      );
    const subnets = interfaceSubnets(spec, state, d.interface);
    if (subnets === undefined)
      return add(`${at}.interface`, `${d.interface} does not exist on the host and is not a switch of this spec`);
    if (subnets.length === 0) {
      return add(
        `${at}.interface`,
        `${d.interface} carries no IPv4 address; give it one in switches[].addresses so dnsmasq has a subnet to serve`,
      );
    }
    const own = subnets.map((s) => s.address);
    checkScope(at, d.ranges, d.hosts, subnets, d.interface, add, ...own);
    const router = d.options.router;
    if (router && !subnets.some((s) => isHostAddress(s, ipToInt(router)))) {
      add(
        `${at}.options.router`,
        `${router} is not in a subnet of ${d.interface} (${subnets.map(formatNet).join(', ')}); clients could not reach it`,
      );
    }
  });
}

function checkNat(spec: VmNetworkSpecView, state: HostState, add: Add): void {
  unique(
    spec.nat,
    (n) => n.name,
    (i, f) => add(`nat[${i}].name`, `${spec.nat[i]?.name} is already defined at nat[${f}]`),
  );
  const managed = managedSubnets(spec, state);
  const switches = new Set((spec.switches ?? []).map((s) => s.name));
  const links = new Set(state.links.map((l) => l.name));
  const forwards = new Map<string, string>();
  // The `inet novanet` table is one per target and belongs to the spec that loaded it.
  const natOwner = state.vmnet?.nft?.exists ? state.vmnet.nft.owner : undefined;
  if (spec.nat.length && natOwner && natOwner !== spec.metadata.name) {
    add(
      'nat[0]',
      `the NAT table inet novanet on this target belongs to spec ${natOwner}; put these rules in that spec`,
    );
  }
  spec.nat.forEach((n, i) => {
    const at = `nat[${i}]`;
    if (!links.has(n.outInterface) && !switches.has(n.outInterface))
      add(`${at}.outInterface`, `${n.outInterface} does not exist on the host`);
    n.portForwards.forEach((f, k) => {
      const path = `${at}.portForwards[${k}]`;
      const key = `${n.outInterface}/${f.protocol}/${f.port}`;
      const prev = forwards.get(key);
      if (prev)
        add(`${path}.port`, `${f.protocol} port ${f.port} on ${n.outInterface} is already forwarded at ${prev}`);
      else forwards.set(key, path);
      const ip = ipToInt(splitTarget(f.to).ip);
      const net = managed.find((s) => contains(s, ip));
      if (!net)
        add(
          `${path}.to`,
          `${splitTarget(f.to).ip} is in no subnet NovaNet manages (networks[].ipv4, switches[].addresses, dhcp interfaces)`,
        );
      else if (!isHostAddress(net, ip))
        add(`${path}.to`, `${splitTarget(f.to).ip} is the network or broadcast address of ${formatNet(net)}`);
    });
  });
}
