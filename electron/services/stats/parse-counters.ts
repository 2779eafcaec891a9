/** Parsers of interface counters: /proc/net/dev (every tick, so hand-scanned) and `ip -j -s -s link` (the fallback). */
import { C, COUNTER_COUNT, type Counters } from './rates';

/**
 * `/proc/net/dev`: two header lines, then `name: rx bytes packets errs drop fifo frame compressed multicast
 * tx bytes packets errs drop fifo colls carrier compressed`. Scanned as bytes, without one big string: this runs
 * every tick for every device. With `reuse`, a previous reading's map and arrays are filled again, and names
 * are kept per line while the bytes match, so a quiet tick allocates nothing per interface.
 */
export class ProcNetDevParser {
  private names: string[] = [];
  private readonly fields = new Float64Array(16);

  parse(b: Buffer, len: number, reuse?: Map<string, Counters>): Map<string, Counters> {
    const out = reuse ?? new Map<string, Counters>();
    const fields = this.fields;
    let pos = 0;
    for (let skip = 0; skip < 2 && pos < len; skip++) {
      const nl = b.indexOf(10, pos);
      pos = nl < 0 ? len : nl + 1;
    }
    let line = 0;
    while (pos < len) {
      let end = b.indexOf(10, pos);
      if (end < 0 || end > len) end = len;
      let colon = pos;
      while (colon < end && b[colon] !== 58) colon++;
      if (colon < end) {
        let ns = pos;
        while (ns < colon && b[ns] === 32) ns++;
        let n = 0;
        let i = colon + 1;
        while (i < end && n < 16) {
          while (i < end && b[i] === 32) i++;
          if (i >= end) break;
          let v = 0;
          let c = b[i] as number;
          while (c >= 48 && c <= 57) {
            v = v * 10 + (c - 48);
            c = b[++i] as number;
          }
          fields[n++] = v;
          while (i < end && b[i] !== 32) i++;
        }
        if (n === 16 && colon > ns) {
          const cached = this.names[line];
          const name =
            cached !== undefined && sameName(b, ns, colon, cached)
              ? cached
              : (this.names[line] = b.toString('latin1', ns, colon));
          line++;
          let k = out.get(name);
          if (!k) out.set(name, (k = new Float64Array(COUNTER_COUNT)));
          k[C.rxBytes] = fields[0] as number;
          k[C.rxPackets] = fields[1] as number;
          k[C.rxErrors] = fields[2] as number;
          k[C.rxDrops] = fields[3] as number;
          k[C.txBytes] = fields[8] as number;
          k[C.txPackets] = fields[9] as number;
          k[C.txErrors] = fields[10] as number;
          k[C.txDrops] = fields[11] as number;
        }
      }
      pos = end + 1;
    }
    this.names.length = line;
    if (out.size !== line) {
      const now = new Set(this.names);
      for (const key of out.keys()) if (!now.has(key)) out.delete(key);
    }
    return out;
  }
}

function sameName(b: Buffer, from: number, to: number, name: string): boolean {
  if (to - from !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (b[from + i] !== name.charCodeAt(i)) return false;
  return true;
}

export function parseProcNetDevBytes(b: Buffer, len: number): Map<string, Counters> {
  return new ProcNetDevParser().parse(b, len);
}

export function parseProcNetDev(text: string): Map<string, Counters> {
  const b = Buffer.from(text, 'latin1');
  return parseProcNetDevBytes(b, b.length);
}

interface IpStatsLink {
  ifname?: string;
  stats64?: {
    rx?: { bytes?: number; packets?: number; errors?: number; dropped?: number; missed_errors?: number };
    tx?: { bytes?: number; packets?: number; errors?: number; dropped?: number };
  };
}

/** `ip -j -s -s link`: receive drops include missed, to match /proc/net/dev's "drop" column. */
export function parseIpStats(json: string): Map<string, Counters> {
  const data = JSON.parse(json) as unknown;
  if (!Array.isArray(data)) throw new Error('ip -j -s link did not print a list');
  const out = new Map<string, Counters>();
  for (const l of data as IpStatsLink[]) {
    const s = l.stats64;
    if (!l.ifname || !s?.rx || !s.tx) continue;
    const k = new Float64Array(COUNTER_COUNT);
    k[C.rxBytes] = s.rx.bytes ?? 0;
    k[C.rxPackets] = s.rx.packets ?? 0;
    k[C.rxErrors] = s.rx.errors ?? 0;
    k[C.rxDrops] = (s.rx.dropped ?? 0) + (s.rx.missed_errors ?? 0);
    k[C.txBytes] = s.tx.bytes ?? 0;
    k[C.txPackets] = s.tx.packets ?? 0;
    k[C.txErrors] = s.tx.errors ?? 0;
    k[C.txDrops] = s.tx.dropped ?? 0;
    out.set(l.ifname, k);
  }
  return out;
}
