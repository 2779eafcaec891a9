/** Hand-built frames for the decoder and parser tests: every byte placed on purpose, checksums left zero. */

export const MAC_A = [0x02, 0, 0, 0, 0, 0x0a];
export const MAC_B = [0x02, 0, 0, 0, 0, 0x0b];

export function ether(type: number, payload: Buffer, vlans: number[] = []): Buffer {
  const tags = vlans.flatMap((v, i) => [...u16(v), ...u16(i + 1 < vlans.length ? 0x8100 : type)]);
  const first = vlans.length ? (vlans.length > 1 ? 0x88a8 : 0x8100) : type;
  return Buffer.from([...MAC_B, ...MAC_A, ...u16(first), ...tags, ...payload]);
}

export function u16(v: number): number[] {
  return [(v >> 8) & 0xff, v & 0xff];
}
export function u32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

export function ipv4(proto: number, src: number[], dst: number[], payload: Buffer, fragOffset = 0): Buffer {
  const total = 20 + payload.length;
  return Buffer.from([
    0x45,
    0,
    ...u16(total),
    0,
    1,
    ...u16(fragOffset / 8),
    64,
    proto,
    0,
    0,
    ...src,
    ...dst,
    ...payload,
  ]);
}

export function ipv6(next: number, src: number[], dst: number[], payload: Buffer): Buffer {
  return Buffer.from([0x60, 0, 0, 0, ...u16(payload.length), next, 64, ...src, ...dst, ...payload]);
}

export function tcp(
  sp: number,
  dp: number,
  flags: number,
  opts: { seq?: number; ack?: number; data?: number } = {},
): Buffer {
  return Buffer.from([
    ...u16(sp),
    ...u16(dp),
    ...u32(opts.seq ?? 1000),
    ...u32(opts.ack ?? 0),
    0x50,
    flags,
    ...u16(64240),
    0,
    0,
    0,
    0,
    ...new Array(opts.data ?? 0).fill(0x61),
  ]);
}

export function udp(sp: number, dp: number, data = 0): Buffer {
  return Buffer.from([...u16(sp), ...u16(dp), ...u16(8 + data), 0, 0, ...new Array(data).fill(0)]);
}

export function icmpEcho(type: number, id: number, seq: number): Buffer {
  return Buffer.from([type, 0, 0, 0, ...u16(id), ...u16(seq), ...new Array(8).fill(0)]);
}

export function arp(op: number, spa: number[], tpa: number[]): Buffer {
  return Buffer.from([
    0,
    1,
    8,
    0,
    6,
    4,
    ...u16(op),
    ...MAC_A,
    ...spa,
    ...(op === 1 ? [0, 0, 0, 0, 0, 0] : MAC_B),
    ...tpa,
  ]);
}

/** An IPv6 address from its eight groups. */
export function v6(...groups: number[]): number[] {
  if (groups.length !== 8) throw new Error('v6 needs 8 groups');
  return groups.flatMap(u16);
}
