/**
 * IPv4 arithmetic for subnets, ranges and reservations. Addresses are unsigned 32-bit numbers so comparisons are
 * plain `<`; every function takes the canonical dotted form the schemas accept (no leading zeros, no shorthand).
 */

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
export const IPV4_RE = new RegExp(`^(${OCTET}\\.){3}${OCTET}$`);
export const IPV4_CIDR_RE = new RegExp(`^(${OCTET}\\.){3}${OCTET}/(3[0-2]|[12]?\\d)$`);

export function ipToInt(ip: string): number {
  if (!IPV4_RE.test(ip)) throw new Error(`not an IPv4 address: ${JSON.stringify(ip)}`);
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** An address with its prefix, and the subnet it belongs to. */
export interface Ipv4Net {
  /** The address as written (for a gateway: the host address). */
  address: number;
  prefix: number;
  /** First address of the subnet (the network address). */
  network: number;
  /** Last address of the subnet (the broadcast address for prefixes below 31). */
  last: number;
}

export function parseCidr(cidr: string): Ipv4Net {
  const [ip = '', p = ''] = cidr.split('/');
  if (!IPV4_CIDR_RE.test(cidr)) throw new Error(`not an IPv4 CIDR: ${JSON.stringify(cidr)}`);
  return netOf(ipToInt(ip), Number(p));
}

export function netOf(address: number, prefix: number): Ipv4Net {
  const size = 2 ** (32 - prefix);
  const network = Math.floor(address / size) * size;
  return { address, prefix, network, last: network + size - 1 };
}

export function formatNet(n: Pick<Ipv4Net, 'network' | 'prefix'>): string {
  return `${intToIp(n.network)}/${n.prefix}`;
}

export function overlaps(a: Pick<Ipv4Net, 'network' | 'last'>, b: Pick<Ipv4Net, 'network' | 'last'>): boolean {
  return a.network <= b.last && b.network <= a.last;
}

export function contains(net: Pick<Ipv4Net, 'network' | 'last'>, ip: number): boolean {
  return ip >= net.network && ip <= net.last;
}

/** A usable host address: not the network or broadcast address (both are usable on /31 and /32, RFC 3021). */
export function isHostAddress(net: Pick<Ipv4Net, 'network' | 'last' | 'prefix'>, ip: number): boolean {
  if (!contains(net, ip)) return false;
  return net.prefix >= 31 || (ip !== net.network && ip !== net.last);
}

/** Dotted netmask for a prefix, as older tools want it. */
export function netmask(prefix: number): string {
  return intToIp(2 ** 32 - 2 ** (32 - prefix));
}

/** RFC 1918 private blocks, in the order a subnet suggestion walks them (192.168.x first, as virt-manager does). */
export const PRIVATE_BLOCKS: readonly string[] = ['192.168.0.0/16', '10.0.0.0/8', '172.16.0.0/12'];
