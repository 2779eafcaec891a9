/**
 * History of every interface of a target in fixed-size rings: 1 s for 15 min, 10 s for 24 h, 1 min for 7 days.
 *
 * Memory: per interface and tier one Uint16Array of 6-byte slots (see codec.ts) for the four traffic rates, and
 * one for errors and drops only while the tier holds a non-zero one (they are zero almost always). The minute
 * tier holds only what has left the 10 s tier (days 2 to 7), so the last 24 h are never stored twice, and it
 * lives on disk (cold.ts). So one interface costs (900 + 8640) x 6 B = 57 KB of memory whatever the uptime:
 * 57 MB for 1000 (test/bench/stats.bench.ts measures it).
 * Slots are absolute (epoch seconds / resolution); a row remembers the last slot it wrote, and a gap is written
 * as "not sampled" when the row next writes, so a ring position never shows data from an earlier lap.
 */
import { CODE_MISSING, MISSING_WORD, get4, put4 } from './codec';
import { MemoryCold, WORDS_PER_SLOT, type ColdStore } from './cold';

export interface TierSpec {
  resS: number;
  capacity: number;
}
export const TIERS: readonly TierSpec[] = [
  { resS: 1, capacity: 900 },
  { resS: 10, capacity: 8640 },
  { resS: 60, capacity: 8640 },
];
/** Values per slot, in statsRateFields order: rxBps txBps rxPps txPps | rxErrors txErrors rxDrops txDrops. */
export const FIELDS = 8;

export interface TierRow {
  /** Tiers 0 and 1: in memory. */
  traffic: Uint16Array | null;
  faults: Uint16Array | null;
  /** Last slot written, -1 before the first. */
  last: number;
  /** Last slot with a non-zero error or drop. */
  lastFault: number;
  /** Tier 2: the block in the cold store, -1 before the first write. */
  block: number;
}

/** Running sum of the finer slots that make up one coarser slot. */
export interface Acc {
  bucket: number;
  n: number;
  sum: Float64Array;
}

export interface Row {
  name: string;
  tiers: TierRow[];
  /** acc[1] builds 10 s slots from 1 s ones; acc[2] builds minutes from 10 s slots leaving the 10 s tier. */
  acc: Acc[];
}

const newAcc = (): Acc => ({ bucket: -1, n: 0, sum: new Float64Array(FIELDS) });

function missingArray(capacity: number): Uint16Array {
  return new Uint16Array(capacity * 3).fill(MISSING_WORD);
}

export class History {
  readonly rows = new Map<string, Row>();
  /** One buffer per tier: flushing a 10 s slot can evict, and so flush, a minute inside the same call. */
  private readonly scratch = [0, 1, 2].map(() => new Float64Array(FIELDS));

  private readonly coldWords = new Uint16Array(WORDS_PER_SLOT);
  private readonly evicted = new Float64Array(FIELDS);
  /** The cold block a read() is going through, fetched once per read. */
  private coldCache: { block: number; data: Uint16Array } | undefined;

  constructor(
    readonly tiers: readonly TierSpec[] = TIERS,
    readonly cold: ColdStore = new MemoryCold(tiers[2]?.capacity ?? 0),
  ) {
    if (tiers.length !== 3) throw new Error('History needs three tiers');
    if (cold.slots !== tiers[2]!.capacity) throw new Error('the cold store does not match the minute tier');
  }

  row(name: string): Row {
    let r = this.rows.get(name);
    if (!r) {
      r = {
        name,
        tiers: this.tiers.map((t, i) => ({
          traffic: i < 2 ? missingArray(t.capacity) : null,
          faults: null,
          last: -1,
          lastFault: -1,
          block: -1,
        })),
        acc: [newAcc(), newAcc(), newAcc()],
      };
      this.rows.set(name, r);
    }
    return r;
  }

  /** Writes one sample's rates into every 1 s slot of (fromSlot, toSlot]. */
  record(name: string, fromSlot: number, toSlot: number, values: ArrayLike<number>): void {
    const r = this.row(name);
    const cap = this.tiers[0]!.capacity;
    for (let s = fromSlot + 1; s <= toSlot; s++) {
      if (s > toSlot - cap) this.write(r, 0, s, values);
      this.feed(r, 1, Math.floor((s * this.tiers[0]!.resS) / this.tiers[1]!.resS), values);
    }
  }

  /** Adds a finer slot's values to the coarser tier's running bucket; a new bucket closes the previous one. */
  private feed(r: Row, tier: number, bucket: number, values: ArrayLike<number>): void {
    const a = r.acc[tier]!;
    if (bucket !== a.bucket) {
      if (a.n > 0) this.flush(r, tier);
      a.bucket = bucket;
      a.n = 0;
      a.sum.fill(0);
    }
    if (Number.isNaN(values[0])) return;
    for (let i = 0; i < FIELDS; i++) a.sum[i] = (a.sum[i] as number) + (values[i] as number);
    a.n++;
  }

  private flush(r: Row, tier: number): void {
    const a = r.acc[tier]!;
    const avg = this.scratch[tier]!;
    for (let i = 0; i < FIELDS; i++) avg[i] = (a.sum[i] as number) / a.n;
    this.write(r, tier, a.bucket, avg);
  }

  /** Closes every open bucket (before a save): the partial slot is written, the bucket stays open. */
  flushAll(): void {
    for (const r of this.rows.values()) {
      for (const t of [1, 2]) if (r.acc[t]!.n > 0) this.flush(r, t);
    }
  }

  private write(r: Row, tier: number, s: number, v: ArrayLike<number>): void {
    const t = r.tiers[tier]!;
    const cap = this.tiers[tier]!.capacity;
    const missing = Number.isNaN(v[0]);
    if (s < t.last) return; // the clock stepped back: never rewrite the past
    if (tier === 2) return this.writeCold(t, s, v, missing);
    if (!t.traffic) {
      if (missing) return;
      t.traffic = missingArray(cap);
    }
    if (s > t.last) {
      if (t.last >= 0 && tier === 1) this.evict(r, Math.max(0, t.last - cap + 1), Math.min(s - cap, t.last));
      // A gap is marked "not sampled" (a new array already is): at most one lap, in at most two fills.
      for (let g = t.last < 0 ? s : Math.max(t.last + 1, s - cap + 1, 0); g < s;) {
        const pos = g % cap;
        const n = Math.min(s - g, cap - pos);
        t.traffic.fill(MISSING_WORD, pos * 3, (pos + n) * 3);
        g += n;
      }
      t.last = s;
    }
    const pos = s % cap;
    put4(t.traffic, pos, v, 0);
    const faulty =
      !missing && ((v[4] as number) > 0 || (v[5] as number) > 0 || (v[6] as number) > 0 || (v[7] as number) > 0);
    if (faulty) {
      t.lastFault = s;
      // Zero until now: every slot this tier holds had no errors or drops (or was not sampled, which traffic says).
      t.faults ??= new Uint16Array(cap * 3);
    } else if (t.faults && t.lastFault <= s - cap) {
      t.faults = null; // the last non-zero one has left the ring
    }
    if (t.faults) put4(t.faults, pos, v, 4);
  }

  private writeCold(t: TierRow, s: number, v: ArrayLike<number>, missing: boolean): void {
    const cap = this.tiers[2]!.capacity;
    if (t.block < 0) {
      if (missing) return;
      t.block = this.cold.alloc();
      t.last = -1;
    }
    if (s > t.last) {
      // Slots between the last write and this one were not sampled (a reused block: none of it was ours).
      const from = Math.max(t.last + 1, s - cap + 1, 0);
      for (let g = from; g < s;) {
        const pos = g % cap;
        const n = Math.min(s - g, cap - pos);
        this.cold.fillMissing(t.block, pos, n);
        g += n;
      }
      t.last = s;
    }
    put4(this.coldWords, 0, v, 0);
    put4(this.coldWords, 1, v, 4);
    this.cold.write(t.block, s % cap, this.coldWords);
    this.coldCache = undefined;
  }

  /** The 10 s slots (from..to) leave the ring: their values become the minute tier. */
  private evict(r: Row, from: number, to: number): void {
    const t = r.tiers[1]!;
    const cap = this.tiers[1]!.capacity;
    const per = this.tiers[2]!.resS / this.tiers[1]!.resS;
    const v = this.evicted; // feed() copies it into the minute's sums at once, and nothing here evicts again
    for (let e = from; e <= to; e++) {
      this.decodeAt(t, e % cap, v);
      this.feed(r, 2, Math.floor(e / per), v);
    }
  }

  private decodeAt(t: TierRow, pos: number, out: Float64Array): void {
    if (t.block >= 0) {
      if (this.coldCache?.block !== t.block) this.coldCache = { block: t.block, data: this.cold.read(t.block) };
      get4(this.coldCache.data, pos * 2, out, 0);
      get4(this.coldCache.data, pos * 2 + 1, out, 4);
      if (Number.isNaN(out[0])) out.fill(NaN);
      return;
    }
    if (!t.traffic) {
      out.fill(NaN);
      return;
    }
    get4(t.traffic, pos, out, 0);
    if (Number.isNaN(out[0]) || !t.faults) out.fill(Number.isNaN(out[0]) ? NaN : 0, 4, 8);
    else get4(t.faults, pos, out, 4);
  }

  /** One stored slot of a tier (open buckets included), NaN when nothing was sampled. */
  slotValues(r: Row, tier: number, s: number, out: Float64Array): void {
    const t = r.tiers[tier]!;
    const cap = this.tiers[tier]!.capacity;
    const a = r.acc[tier];
    if (tier > 0 && a && a.bucket === s && a.n > 0 && s > t.last) {
      for (let i = 0; i < FIELDS; i++) out[i] = (a.sum[i] as number) / a.n;
      return;
    }
    if (s > t.last || s <= t.last - cap) {
      out.fill(NaN);
      return;
    }
    this.decodeAt(t, s % cap, out);
  }

  /**
   * Columns of one interface at resolution `resS` (1, 10 or 60): point i averages the sampled slots among
   * `step` slots from `start + i * step` (slot units of resS). Minutes still inside the 10 s window come from it.
   */
  read(name: string, resS: number, start: number, points: number, step: number): Float64Array[] {
    const cols = Array.from({ length: FIELDS }, () => new Float64Array(points).fill(NaN));
    const r = this.rows.get(name);
    if (!r) return cols;
    const tier = this.tiers.findIndex((t) => t.resS === resS);
    if (tier < 0) throw new Error(`no tier of ${resS} s`);
    const v = new Float64Array(FIELDS);
    const sum = new Float64Array(FIELDS);
    this.coldCache = undefined;
    for (let i = 0; i < points; i++) {
      let n = 0;
      sum.fill(0);
      for (let k = 0; k < step; k++) {
        this.valueAt(r, tier, start + i * step + k, v);
        if (Number.isNaN(v[0])) continue;
        for (let f = 0; f < FIELDS; f++) sum[f] = (sum[f] as number) + (v[f] as number);
        n++;
      }
      if (n > 0) for (let f = 0; f < FIELDS; f++) cols[f]![i] = (sum[f] as number) / n;
    }
    this.coldCache = undefined;
    return cols;
  }

  private valueAt(r: Row, tier: number, s: number, out: Float64Array): void {
    if (tier === 2) {
      const per = this.tiers[2]!.resS / this.tiers[1]!.resS;
      const t1 = r.tiers[1]!;
      if (s * per + per - 1 > t1.last - this.tiers[1]!.capacity) {
        // Still in the 10 s ring (or its open bucket): average those.
        const v = new Float64Array(FIELDS);
        let n = 0;
        out.fill(0);
        for (let k = 0; k < per; k++) {
          this.slotValues(r, 1, s * per + k, v);
          if (Number.isNaN(v[0])) continue;
          for (let f = 0; f < FIELDS; f++) out[f] = (out[f] as number) + (v[f] as number);
          n++;
        }
        if (n === 0) out.fill(NaN);
        else for (let f = 0; f < FIELDS; f++) out[f] = (out[f] as number) / n;
        return;
      }
    }
    this.slotValues(r, tier, s, out);
  }

  /** Rows with nothing left in any ring go; beyond `keepVanished` absent rows, the longest-absent go first. */
  prune(nowS: number, present: ReadonlySet<string>, keepVanished = 512): string[] {
    const removed: string[] = [];
    const absent: Row[] = [];
    for (const r of this.rows.values()) {
      if (present.has(r.name)) continue;
      const alive =
        r.tiers.some(
          (t, i) =>
            (t.traffic || t.block >= 0) && t.last > Math.floor(nowS / this.tiers[i]!.resS) - this.tiers[i]!.capacity,
        ) || r.acc[2]!.n > 0;
      if (!alive) this.remove(r, removed);
      else absent.push(r);
    }
    absent.sort((a, b) => a.tiers[0]!.last - b.tiers[0]!.last);
    for (const r of absent.slice(0, Math.max(0, absent.length - keepVanished))) this.remove(r, removed);
    return removed;
  }

  private remove(r: Row, removed: string[]): void {
    const b = r.tiers[2]!.block;
    if (b >= 0) this.cold.free(b);
    this.rows.delete(r.name);
    removed.push(r.name);
  }

  close(): void {
    this.cold.close();
  }

  /** Bytes of memory held in typed arrays (Map and row objects add ~0.3 KB per interface; the cold tier is on disk). */
  bytes(): number {
    let n = 0;
    for (const r of this.rows.values()) {
      for (const t of r.tiers) n += (t.traffic?.byteLength ?? 0) + (t.faults?.byteLength ?? 0);
      for (const a of r.acc) n += a.sum.byteLength;
    }
    return n;
  }
}

export { CODE_MISSING };
