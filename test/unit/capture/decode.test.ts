import { describe, expect, it } from 'vitest';
import { decodePacket, ipv6 as fmt6, LINKTYPE } from '../../../electron/services/capture/decode';
import { arp, ether, icmpEcho, ipv4, ipv6, tcp, u16, udp, v6 } from './frames';

const A4 = [10, 0, 0, 1];
const B4 = [10, 0, 0, 2];
const meta = { no: 1, time: 1_700_000_000.5, length: 0 };
const dec = (frame: Buffer, linkType: number = LINKTYPE.ETHERNET) =>
  decodePacket(linkType, frame, { ...meta, length: frame.length });

describe('decodePacket', () => {
  it('TCP SYN and SYN-ACK with ports, flags and payload length', () => {
    const syn = dec(ether(0x0800, ipv4(6, B4, A4, tcp(51234, 443, 0x02, { seq: 7 }))));
    expect(syn).toMatchObject({ src: '10.0.0.2', dst: '10.0.0.1', protocol: 'TCP', length: 54 });
    expect(syn.summary).toBe('TCP 51234 → 443 [SYN] seq=7 win=64240 len=0');
    const synAck = dec(ether(0x0800, ipv4(6, A4, B4, tcp(443, 51234, 0x12, { seq: 9, ack: 8, data: 10 }))));
    expect(synAck.summary).toBe('TCP 443 → 51234 [SYN, ACK] seq=9 ack=8 win=64240 len=10');
  });

  it('ICMP echo request and reply with id and seq; unreachable with its reason', () => {
    expect(dec(ether(0x0800, ipv4(1, A4, B4, icmpEcho(8, 3, 1)))).summary).toBe('ICMP echo request id 3 seq 1');
    const reply = dec(ether(0x0800, ipv4(1, B4, A4, icmpEcho(0, 3, 1))));
    expect(reply).toMatchObject({ protocol: 'ICMP', src: '10.0.0.2', summary: 'ICMP echo reply id 3 seq 1' });
    const unreach = Buffer.from([3, 3, 0, 0, 0, 0, 0, 0]);
    expect(dec(ether(0x0800, ipv4(1, A4, B4, unreach))).summary).toBe(
      'ICMP destination unreachable (port unreachable)',
    );
  });

  it('UDP with its length, named by a well-known port', () => {
    expect(dec(ether(0x0800, ipv4(17, A4, B4, udp(40000, 5201, 100))))).toMatchObject({
      protocol: 'UDP',
      summary: 'UDP 40000 → 5201 len=100',
    });
    expect(dec(ether(0x0800, ipv4(17, A4, B4, udp(40000, 53, 30))))).toMatchObject({
      protocol: 'DNS',
      summary: 'UDP 40000 → 53 len=30',
    });
  });

  it('ARP who-has and is-at, between MAC addresses', () => {
    const req = dec(ether(0x0806, arp(1, A4, B4)));
    expect(req).toMatchObject({
      protocol: 'ARP',
      src: '02:00:00:00:00:0a',
      dst: '02:00:00:00:00:0b',
      summary: 'ARP who-has 10.0.0.2 tell 10.0.0.1',
    });
    expect(dec(ether(0x0806, arp(2, A4, B4))).summary).toBe('ARP 10.0.0.1 is-at 02:00:00:00:00:0a');
    expect(dec(ether(0x0806, arp(1, A4, A4))).summary).toBe('ARP announcement for 10.0.0.1');
  });

  it('IPv6 with ICMPv6 echo and neighbor solicitation, addresses compressed (RFC 5952)', () => {
    const ll = v6(0xfe80, 0, 0, 0, 0, 0, 0, 1);
    const dst = v6(0x2001, 0xdb8, 0, 0, 1, 0, 0, 2);
    const echo = dec(ether(0x86dd, ipv6(58, ll, dst, icmpEcho(128, 9, 4))));
    expect(echo).toMatchObject({
      src: 'fe80::1',
      dst: '2001:db8::1:0:0:2',
      protocol: 'ICMPv6',
      summary: 'ICMPv6 echo request id 9 seq 4',
    });
    const target = v6(0xfe80, 0, 0, 0, 0, 0, 0, 2);
    const ns = Buffer.from([135, 0, 0, 0, 0, 0, 0, 0, ...target]);
    expect(dec(ether(0x86dd, ipv6(58, ll, v6(0xff02, 0, 0, 0, 0, 1, 0xff00, 2), ns))).summary).toBe(
      'ICMPv6 neighbor solicitation for fe80::2',
    );
  });

  it('IPv6 skips extension headers to reach TCP', () => {
    const hopByHop = Buffer.from([6, 0, 0, 0, 0, 0, 0, 0]);
    const d = dec(
      ether(
        0x86dd,
        ipv6(
          0,
          v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
          v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2),
          Buffer.concat([hopByHop, tcp(1, 2, 0x11)]),
        ),
      ),
    );
    expect(d.summary).toBe('TCP 1 → 2 [ACK, FIN] seq=1000 ack=0 win=64240 len=0');
  });

  it('802.1Q and QinQ tags are shown, the payload still decoded', () => {
    const tagged = dec(ether(0x0800, ipv4(1, A4, B4, icmpEcho(8, 1, 2)), [100]));
    expect(tagged.summary).toBe('ICMP echo request id 1 seq 2 (VLAN 100)');
    expect(dec(ether(0x0800, ipv4(17, A4, B4, udp(1, 2)), [10, 20])).summary).toBe('UDP 1 → 2 len=0 (VLAN 10/20)');
  });

  it('later IPv4 fragments name the fragment, not a port pair read from payload', () => {
    expect(dec(ether(0x0800, ipv4(17, A4, B4, Buffer.alloc(40), 1480))).summary).toBe(
      'IPv4 fragment offset 1480 of UDP',
    );
  });

  it('a packet cut by the snap length keeps what was decoded', () => {
    const full = ether(0x0800, ipv4(6, A4, B4, tcp(80, 1234, 0x10)));
    const cut = decodePacket(LINKTYPE.ETHERNET, full.subarray(0, 14 + 20 + 6), { ...meta, length: full.length });
    expect(cut).toMatchObject({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 'TCP', length: full.length });
    expect(cut.summary).toBe('TCP 80 → 1234 [truncated]');
    expect(dec(Buffer.from([1, 2, 3])).summary).toMatch(/\[truncated\]$/);
  });

  it('unknown ethertypes, spanning tree and LLDP by name or number', () => {
    expect(dec(ether(0x88b5, Buffer.alloc(10))).summary).toBe('ethertype 0x88b5');
    expect(dec(ether(0x88cc, Buffer.alloc(10))).protocol).toBe('LLDP');
    const stp = Buffer.from([
      ...[1, 0x80, 0xc2, 0, 0, 0],
      ...[2, 0, 0, 0, 0, 1],
      ...u16(38),
      0x42,
      0x42,
      3,
      ...new Array(35).fill(0),
    ]);
    expect(dec(stp)).toMatchObject({ protocol: 'STP' });
  });

  it('Linux cooked (SLL, SLL2) and raw IP link types', () => {
    const ip = ipv4(1, A4, B4, icmpEcho(8, 5, 6));
    const sll = Buffer.from([0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 0x0a, 0, 0, ...u16(0x0800), ...ip]);
    expect(dec(sll, LINKTYPE.LINUX_SLL)).toMatchObject({ src: '10.0.0.1', summary: 'ICMP echo request id 5 seq 6' });
    const sll2 = Buffer.from([...u16(0x0800), 0, 0, 0, 0, 0, 2, 0, 1, 4, 6, 2, 0, 0, 0, 0, 0x0a, 0, 0, ...ip]);
    expect(dec(sll2, LINKTYPE.LINUX_SLL2).summary).toBe('ICMP echo request id 5 seq 6');
    expect(dec(ip, LINKTYPE.RAW).dst).toBe('10.0.0.2');
    expect(dec(ip, 999)).toMatchObject({ protocol: 'link type 999' });
  });

  it('formats IPv6 text per RFC 5952', () => {
    const b = (...g: number[]) => Buffer.from(v6(...g));
    expect(fmt6(b(0, 0, 0, 0, 0, 0, 0, 0), 0)).toBe('::');
    expect(fmt6(b(0, 0, 0, 0, 0, 0, 0, 1), 0)).toBe('::1');
    expect(fmt6(b(0x2001, 0xdb8, 0, 1, 0, 0, 0, 1), 0)).toBe('2001:db8:0:1::1');
    expect(fmt6(b(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1), 0)).toBe('2001:db8::1:0:0:1');
    expect(fmt6(b(0x2001, 0xdb8, 1, 2, 3, 4, 5, 6), 0)).toBe('2001:db8:1:2:3:4:5:6');
  });
});
