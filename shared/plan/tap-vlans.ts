/**
 * The `bridge vlan` commands that put a running domain's taps into their Linux-bridge port-group VLANs, from the
 * domain's live XML alone: the MACs and VLANs come from NovaNet's `<nics>` metadata, the tap names from libvirt's
 * `<target dev>`. Used by the qemu hook at every VM start and by the helper right after a live attach.
 */
import { ifNameSchema } from '../model/target';
import { parseNicMetadata } from './libvirt-interface-xml';
import { arr, attr, obj, parseXml } from './xml-common';

/** Arguments after `bridge`, one command each. Taps with a name the kernel would not accept are skipped. */
export function tapVlanCommands(domainXml: string): string[][] {
  const meta = parseNicMetadata(domainXml);
  if (!meta) return [];
  const taps = new Map<string, { dev: string; bridge?: string }>();
  for (const i of arr(obj(obj(parseXml(domainXml).domain).devices).interface)) {
    const mac = attr(i.mac, 'address')?.toLowerCase();
    const dev = attr(i.target, 'dev');
    if (mac && dev && ifNameSchema.safeParse(dev).success) taps.set(mac, { dev, bridge: attr(i.source, 'bridge') });
  }
  const out: string[][] = [];
  for (const r of meta.nics) {
    const tap = taps.get(r.mac);
    if (!tap || !r.switch || (r.vlan === undefined && !r.trunk)) continue;
    // The record's switch guards against acting on a NIC that was moved elsewhere behind NovaNet's back.
    if (tap.bridge !== undefined && tap.bridge !== r.switch) continue;
    const untagged = r.vlan ?? r.nativeVlan;
    const tagged = r.trunk ?? [];
    const vid = (v: number) => ['vlan', 'add', 'dev', tap.dev, 'vid', String(v)];
    // A new port starts in VLAN 1 untagged; it stays only when the group wants it.
    if (untagged !== 1 && !tagged.includes(1)) out.push(['vlan', 'del', 'dev', tap.dev, 'vid', '1']);
    if (untagged !== undefined) out.push([...vid(untagged), 'pvid', 'untagged']);
    for (const t of tagged) if (t !== untagged) out.push(vid(t));
  }
  return out;
}

/** The tap devices of a running domain's NICs on libvirt network `network` (names the kernel would accept only). */
export function networkTaps(domainXml: string, network: string): string[] {
  return arr(obj(obj(parseXml(domainXml).domain).devices).interface)
    .filter((i) => attr(i, 'type') === 'network' && attr(i.source, 'network') === network)
    .map((i) => attr(i.target, 'dev') ?? '')
    .filter((dev) => ifNameSchema.safeParse(dev).success);
}
