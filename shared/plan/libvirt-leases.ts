/**
 * libvirt's own dnsmasq files under /var/lib/libvirt/dnsmasq: `<bridge>.status` (the leases, JSON, written by
 * libvirt's lease helper), `<network>.hostsfile` (the reservations, `mac,ip[,name]` per line) and `<network>.conf`
 * (names the bridge). Reading them costs no process, where `virsh net-dhcp-leases` costs one per network.
 */
import type { DnsmasqLease } from './dnsmasq-leases';

type J = Record<string, unknown>;
const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** The leases in a status file; entries that are not an IPv4 lease with a MAC (DHCPv6, torn writes) are skipped. */
export function parseLibvirtStatus(text: string): DnsmasqLease[] {
  const parsed: unknown = text.trim() ? JSON.parse(text) : [];
  if (!Array.isArray(parsed)) throw new Error('a libvirt lease status file holds a JSON array');
  return parsed.flatMap((raw: unknown) => {
    const e = (raw && typeof raw === 'object' ? raw : {}) as J;
    const ip = e['ip-address'];
    const mac = e['mac-address'];
    const expiry = e['expiry-time'];
    if (typeof ip !== 'string' || ip.includes(':') || typeof mac !== 'string' || !MAC_RE.test(mac)) return [];
    const lease: DnsmasqLease = {
      expiresAt: typeof expiry === 'number' && expiry > 0 ? new Date(expiry * 1000).toISOString() : null,
      mac: mac.toLowerCase(),
      ip,
    };
    if (typeof e.hostname === 'string' && e.hostname) lease.hostname = e.hostname;
    if (typeof e['client-id'] === 'string' && e['client-id']) lease.clientId = e['client-id'];
    return [lease];
  });
}

/** MACs with a reservation in a hostsfile (`mac,ip,name` or `mac,name,ip`: the MAC is the first field). */
export function parseLibvirtHostsfile(text: string): Set<string> {
  const macs = new Set<string>();
  for (const line of text.split('\n')) {
    const mac = line.split(',')[0]?.trim() ?? '';
    if (MAC_RE.test(mac)) macs.add(mac.toLowerCase());
  }
  return macs;
}

/** The bridge a network's dnsmasq serves: its `interface=` line. */
export function libvirtConfInterface(text: string): string | undefined {
  return /^interface=(\S+)$/m.exec(text)?.[1];
}
