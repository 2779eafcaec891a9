/**
 * dnsmasq's lease file, for the live leases table: one IPv4 lease per line, `EXPIRY MAC IP HOSTNAME CLIENTID`,
 * with `*` for an absent hostname or client id and expiry 0 for an infinite lease. DHCPv6 leases follow a
 * `duid` line and are skipped (NovaNet's DHCP is IPv4). The file is rewritten in place by dnsmasq, so a reader
 * may see a torn last line: bad lines are reported to `onBad` rather than failing the whole table.
 */
import { IPV4_RE } from '../spec/ipv4';

export interface DnsmasqLease {
  /** ISO 8601 time the lease ends; null for an infinite lease. */
  expiresAt: string | null;
  mac: string;
  ip: string;
  hostname?: string;
  clientId?: string;
}

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

export function parseDnsmasqLeases(text: string, onBad?: (line: number, message: string) => void): DnsmasqLease[] {
  const out: DnsmasqLease[] = [];
  let v6 = false;
  text.split('\n').forEach((raw, n) => {
    const line = raw.trim();
    if (!line) return;
    const f = line.split(/\s+/);
    if (f[0] === 'duid') return void (v6 = true);
    if (v6) return;
    const [expiry = '', mac = '', ip = '', host, client] = f;
    const why = !/^\d+$/.test(expiry)
      ? 'expiry is not a number'
      : !MAC_RE.test(mac)
        ? `${JSON.stringify(mac)} is not a MAC address (non-Ethernet hardware is not shown)`
        : !IPV4_RE.test(ip)
          ? `${JSON.stringify(ip)} is not an IPv4 address`
          : f.length > 5
            ? 'has more than five fields'
            : undefined;
    if (why) return onBad?.(n + 1, why);
    const lease: DnsmasqLease = {
      expiresAt: expiry === '0' ? null : new Date(Number(expiry) * 1000).toISOString(),
      mac: mac.toLowerCase(),
      ip,
    };
    if (host && host !== '*') lease.hostname = host;
    if (client && client !== '*') lease.clientId = client;
    out.push(lease);
  });
  return out;
}
