/**
 * One line per packet for the live list: source, destination, protocol and a short summary, in the manner of
 * Wireshark's packet list. Only the headers needed for that are read; a packet cut short by the snap length
 * keeps what could be decoded and says "[truncated]". Anything unknown is named by its number, never guessed.
 */
import type { PacketSummary } from '../../../shared/model/capture';

export const LINKTYPE = { ETHERNET: 1, RAW: 101, LINUX_SLL: 113, IPV4: 228, IPV6: 229, LINUX_SLL2: 276 } as const;

type Out = Omit<PacketSummary, 'no' | 'time' | 'length'>;

const ICMP_TYPES: Record<number, string> = {
  0: 'echo reply',
  3: 'destination unreachable',
  4: 'source quench',
  5: 'redirect',
  8: 'echo request',
  11: 'time exceeded',
  12: 'parameter problem',
  13: 'timestamp request',
  14: 'timestamp reply',
};
const UNREACH: Record<number, string> = {
  0: 'net',
  1: 'host',
  2: 'protocol',
  3: 'port',
  4: 'fragmentation needed',
  9: 'net prohibited',
  10: 'host prohibited',
  13: 'administratively prohibited',
};
const ICMP6_TYPES: Record<number, string> = {
  1: 'destination unreachable',
  2: 'packet too big',
  3: 'time exceeded',
  4: 'parameter problem',
  128: 'echo request',
  129: 'echo reply',
  130: 'multicast listener query',
  131: 'multicast listener report',
  133: 'router solicitation',
  134: 'router advertisement',
  135: 'neighbor solicitation',
  136: 'neighbor advertisement',
  137: 'redirect',
  143: 'multicast listener report v2',
};
const IP_PROTOCOLS: Record<number, string> = {
  1: 'ICMP',
  2: 'IGMP',
  4: 'IPIP',
  6: 'TCP',
  17: 'UDP',
  41: 'IPv6',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  58: 'ICMPv6',
  89: 'OSPF',
  112: 'VRRP',
  132: 'SCTP',
};
const UDP_APPS: Record<number, string> = {
  53: 'DNS',
  67: 'DHCP',
  68: 'DHCP',
  69: 'TFTP',
  123: 'NTP',
  137: 'NBNS',
  161: 'SNMP',
  514: 'Syslog',
  546: 'DHCPv6',
  547: 'DHCPv6',
  1900: 'SSDP',
  4789: 'VXLAN',
  5353: 'mDNS',
  6081: 'GENEVE',
};
const TCP_FLAGS: [number, string][] = [
  [0x02, 'SYN'],
  [0x10, 'ACK'],
  [0x01, 'FIN'],
  [0x04, 'RST'],
  [0x08, 'PSH'],
  [0x20, 'URG'],
  [0x40, 'ECE'],
  [0x80, 'CWR'],
];

export function mac(b: Buffer, off: number): string {
  return Array.from(b.subarray(off, off + 6), (x) => x.toString(16).padStart(2, '0')).join(':');
}

export function ipv4(b: Buffer, off: number): string {
  if (off + 4 > b.length) throw new RangeError('short');
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** RFC 5952 text: lower case, the longest run of two or more zero groups as "::". */
export function ipv6(b: Buffer, off: number): string {
  if (off + 16 > b.length) throw new RangeError('short');
  const g = Array.from({ length: 8 }, (_, i) => b.readUInt16BE(off + 2 * i));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  return best < 0 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

function tcp(b: Buffer, off: number, payloadEnd: number, o: Out): void {
  o.protocol = 'TCP';
  const sp = b.readUInt16BE(off);
  const dp = b.readUInt16BE(off + 2);
  o.summary = `TCP ${sp} → ${dp}`;
  const seq = b.readUInt32BE(off + 4);
  const ack = b.readUInt32BE(off + 8);
  const hdr = (b.readUInt8(off + 12) >> 4) * 4;
  const flagBits = b.readUInt8(off + 13);
  const flags = TCP_FLAGS.filter(([bit]) => flagBits & bit).map(([, n]) => n);
  const len = Math.max(0, payloadEnd - off - hdr);
  o.summary += ` [${flags.join(', ')}] seq=${seq}${flagBits & 0x10 ? ` ack=${ack}` : ''} win=${b.readUInt16BE(off + 14)} len=${len}`;
}

function udp(b: Buffer, off: number, o: Out): void {
  o.protocol = 'UDP';
  const sp = b.readUInt16BE(off);
  const dp = b.readUInt16BE(off + 2);
  o.summary = `UDP ${sp} → ${dp}`;
  const len = b.readUInt16BE(off + 4);
  o.summary += ` len=${Math.max(0, len - 8)}`;
  const app = UDP_APPS[dp] ?? UDP_APPS[sp];
  if (app) o.protocol = app;
}

function icmp(b: Buffer, off: number, o: Out): void {
  o.protocol = 'ICMP';
  const type = b.readUInt8(off);
  const code = b.readUInt8(off + 1);
  o.summary = `ICMP ${ICMP_TYPES[type] ?? `type ${type}`}`;
  if (type === 0 || type === 8) o.summary += ` id ${b.readUInt16BE(off + 4)} seq ${b.readUInt16BE(off + 6)}`;
  else if (type === 3) o.summary += ` (${UNREACH[code] ?? `code ${code}`} unreachable)`;
  else if (code) o.summary += ` code ${code}`;
}

function icmp6(b: Buffer, off: number, o: Out): void {
  o.protocol = 'ICMPv6';
  const type = b.readUInt8(off);
  o.summary = `ICMPv6 ${ICMP6_TYPES[type] ?? `type ${type}`}`;
  if (type === 128 || type === 129) o.summary += ` id ${b.readUInt16BE(off + 4)} seq ${b.readUInt16BE(off + 6)}`;
  else if (type === 135 || type === 136) o.summary += ` for ${ipv6(b, off + 8)}`;
}

function transport(proto: number, b: Buffer, off: number, payloadEnd: number, o: Out): void {
  o.protocol = IP_PROTOCOLS[proto] ?? `IP proto ${proto}`;
  o.summary = o.protocol;
  if (proto === 6) tcp(b, off, payloadEnd, o);
  else if (proto === 17) udp(b, off, o);
  else if (proto === 1) icmp(b, off, o);
  else if (proto === 58) icmp6(b, off, o);
}

function ip4(b: Buffer, off: number, o: Out): void {
  o.protocol = 'IPv4';
  o.summary = 'IPv4';
  const ihl = (b.readUInt8(off) & 0x0f) * 4;
  const total = b.readUInt16BE(off + 2);
  const frag = b.readUInt16BE(off + 6);
  const proto = b.readUInt8(off + 9);
  o.src = ipv4(b, off + 12);
  o.dst = ipv4(b, off + 16);
  if ((frag & 0x1fff) !== 0) {
    o.protocol = IP_PROTOCOLS[proto] ?? 'IPv4';
    o.summary = `IPv4 fragment offset ${(frag & 0x1fff) * 8} of ${IP_PROTOCOLS[proto] ?? `proto ${proto}`}`;
    return;
  }
  transport(proto, b, off + ihl, off + total, o);
}

const IPV6_EXTENSIONS = new Set([0, 43, 60]);

function ip6(b: Buffer, off: number, o: Out): void {
  o.protocol = 'IPv6';
  o.summary = 'IPv6';
  const payloadEnd = off + 40 + b.readUInt16BE(off + 4);
  let next = b.readUInt8(off + 6);
  o.src = ipv6(b, off + 8);
  o.dst = ipv6(b, off + 24);
  let at = off + 40;
  // Skip hop-by-hop, routing and destination options to reach the transport header.
  for (let hops = 0; IPV6_EXTENSIONS.has(next) && hops < 8; hops++) {
    const len = (b.readUInt8(at + 1) + 1) * 8;
    next = b.readUInt8(at);
    at += len;
  }
  if (next === 44) {
    const offset = b.readUInt16BE(at + 2) >> 3;
    const inner = b.readUInt8(at);
    if (offset !== 0) {
      o.protocol = IP_PROTOCOLS[inner] ?? 'IPv6';
      o.summary = `IPv6 fragment offset ${offset * 8} of ${IP_PROTOCOLS[inner] ?? `proto ${inner}`}`;
      return;
    }
    next = inner;
    at += 8;
  }
  transport(next, b, at, payloadEnd, o);
}

function arp(b: Buffer, off: number, o: Out): void {
  o.protocol = 'ARP';
  const op = b.readUInt16BE(off + 6);
  const hlen = b.readUInt8(off + 4);
  const plen = b.readUInt8(off + 5);
  if (hlen !== 6 || plen !== 4) {
    o.summary = `ARP op ${op}`;
    return;
  }
  const sha = mac(b, off + 8);
  const spa = ipv4(b, off + 14);
  const tpa = ipv4(b, off + 24);
  if (op === 1) o.summary = spa === tpa ? `ARP announcement for ${spa}` : `ARP who-has ${tpa} tell ${spa}`;
  else if (op === 2) o.summary = `ARP ${spa} is-at ${sha}`;
  else o.summary = `ARP op ${op}`;
}

function ethertype(type: number, b: Buffer, off: number, o: Out): void {
  if (type === 0x0800) ip4(b, off, o);
  else if (type === 0x86dd) ip6(b, off, o);
  else if (type === 0x0806) arp(b, off, o);
  else if (type === 0x88cc) [o.protocol, o.summary] = ['LLDP', 'LLDP'];
  else [o.protocol, o.summary] = ['Ethernet', `ethertype 0x${type.toString(16).padStart(4, '0')}`];
}

function ethernet(b: Buffer, o: Out): void {
  o.protocol = 'Ethernet';
  o.summary = 'Ethernet';
  o.dst = mac(b, 0);
  o.src = mac(b, 6);
  let type = b.readUInt16BE(12);
  let at = 14;
  const vlans: number[] = [];
  // 802.1Q and 802.1ad (QinQ) tags, outermost first.
  while ((type === 0x8100 || type === 0x88a8) && vlans.length < 4) {
    vlans.push(b.readUInt16BE(at) & 0x0fff);
    type = b.readUInt16BE(at + 2);
    at += 4;
  }
  const tag = vlans.length ? ` (VLAN ${vlans.join('/')})` : '';
  try {
    if (type < 0x0600) {
      // 802.3 length field: LLC follows; DSAP/SSAP 0x42 is the spanning tree.
      const stp = b.readUInt8(at) === 0x42 && b.readUInt8(at + 1) === 0x42;
      [o.protocol, o.summary] = stp
        ? ['STP', 'STP bridge protocol data unit']
        : ['LLC', `LLC dsap 0x${b.readUInt8(at).toString(16)}`];
    } else ethertype(type, b, at, o);
  } finally {
    o.summary += tag;
  }
}

function linuxSll(b: Buffer, o: Out, v2: boolean): void {
  // SLL: 16-byte header, protocol at 14; SLL2: 20-byte header, protocol at 0. Addresses are the link layer's.
  const type = b.readUInt16BE(v2 ? 0 : 14);
  const halen = b.readUInt8(v2 ? 11 : 5);
  if (halen === 6) o.src = mac(b, v2 ? 12 : 6);
  ethertype(type, b, v2 ? 20 : 16, o);
}

function raw(b: Buffer, o: Out): void {
  const version = b.readUInt8(0) >> 4;
  if (version === 4) ip4(b, 0, o);
  else if (version === 6) ip6(b, 0, o);
  else [o.protocol, o.summary] = ['raw', `IP version ${version}`];
}

/** Summarises one captured packet. `data` holds the captured bytes, `length` the length on the wire. */
export function decodePacket(
  linkType: number,
  data: Buffer,
  meta: { no: number; time: number; length: number },
): PacketSummary {
  const o: Out = { src: '', dst: '', protocol: '', summary: '' };
  try {
    if (linkType === LINKTYPE.ETHERNET) ethernet(data, o);
    else if (linkType === LINKTYPE.LINUX_SLL) linuxSll(data, o, false);
    else if (linkType === LINKTYPE.LINUX_SLL2) linuxSll(data, o, true);
    else if (linkType === LINKTYPE.RAW || linkType === LINKTYPE.IPV4 || linkType === LINKTYPE.IPV6) raw(data, o);
    else [o.protocol, o.summary] = [`link type ${linkType}`, `${data.length} bytes`];
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    o.protocol ||= 'truncated';
    o.summary = `${o.summary || o.protocol} [truncated]`;
  }
  return { ...meta, ...o };
}
