/**
 * History kept across restarts: one binary file per target under the user's config dir, the rings written as
 * they are in memory.
 *
 * Why this store: the rings already are fixed-size typed arrays, so the file is a JSON header (row names, last
 * slots, open buckets) followed by the arrays' bytes; loading is one read and a copy per array, no parsing of
 * numbers. SQLite would need a native module (node-gyp builds fail where there is no compiler, and Electron
 * needs its own ABI build); JSON of 57 MB of numbers would be ~5x bigger and slow to parse. The minute tier
 * (days 2 to 7) is not in this file but in its own (cold.ts), written a slot at a time as it fills. The file is
 * written whole, to a temporary name then renamed (a crash leaves the old file or the new one, never a torn
 * one), every SAVE_INTERVAL_MS and on close. Cost: 57 KB per interface per save, e.g. 1.7 MB for 30
 * interfaces, 57 MB for 1000 (measured in the bench); at one save per 10 min that is a few GB a day at worst,
 * well inside an SSD's endurance. No fsync: losing the last minutes of statistics to a power cut is acceptable,
 * and a file that does not parse is set aside and the history starts empty.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { endianness } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Target } from '../../../shared/model/target';
import { alertRulesSchema, type AlertRule } from '../../../shared/model/stats';
import { configDir } from '../config-dir';
import { CODEC_ID } from './codec';
import { FileCold } from './cold';
import { FIELDS, History, TIERS, type TierSpec } from './ring';

export const SAVE_INTERVAL_MS = 10 * 60_000;
const MAGIC = 'NNSTAT01';

const headerSchema = z.object({
  magic: z.literal(MAGIC),
  codec: z.string(),
  endian: z.string(),
  savedAt: z.number(),
  tiers: z.array(z.object({ resS: z.number(), capacity: z.number() })),
  rows: z.array(
    z.object({
      name: z.string(),
      tiers: z.array(
        z.object({
          last: z.number(),
          lastFault: z.number(),
          traffic: z.boolean(),
          faults: z.boolean(),
          block: z.number().int(),
        }),
      ),
      acc: z.array(z.object({ bucket: z.number(), n: z.number(), sum: z.array(z.number()).length(FIELDS) })),
    }),
  ),
});

/** stats/host.nnstats or stats/netns-NAME.nnstats (names are validated: letters, digits, _ . -). */
export function historyPath(target: Target, dir = configDir()): string {
  return join(dir, 'stats', `${target.netns ? `netns-${target.netns}` : 'host'}.nnstats`);
}

export function saveHistory(history: History, path: string): number {
  history.flushAll();
  const header = {
    magic: MAGIC,
    codec: CODEC_ID,
    endian: endianness(),
    savedAt: Date.now(),
    tiers: history.tiers.map((t) => ({ resS: t.resS, capacity: t.capacity })),
    rows: [...history.rows.values()].map((r) => ({
      name: r.name,
      tiers: r.tiers.map((t) => ({
        last: t.last,
        lastFault: t.lastFault,
        traffic: !!t.traffic,
        faults: !!t.faults,
        block: t.block,
      })),
      acc: r.acc.map((a) => ({ bucket: a.bucket, n: a.n, sum: [...a.sum] })),
    })),
  };
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  let written = 0;
  try {
    const put = (b: Uint8Array) => {
      let off = 0;
      while (off < b.length) off += writeSync(fd, b, off, b.length - off);
      written += b.length;
    };
    put(Buffer.from(MAGIC, 'latin1'));
    put(len);
    put(head);
    for (const r of history.rows.values()) {
      for (const t of r.tiers) {
        if (t.traffic) put(new Uint8Array(t.traffic.buffer, t.traffic.byteOffset, t.traffic.byteLength));
        if (t.faults) put(new Uint8Array(t.faults.buffer, t.faults.byteOffset, t.faults.byteLength));
      }
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return written;
}

function sameTiers(a: readonly TierSpec[], b: readonly TierSpec[]): boolean {
  return a.length === b.length && a.every((t, i) => t.resS === b[i]?.resS && t.capacity === b[i]?.capacity);
}

function arrayAt(buf: Buffer, off: number, words: number): Uint16Array {
  const bytes = words * 2;
  if (off + bytes > buf.length) throw new Error('file is shorter than its header says');
  const out = new Uint16Array(words);
  new Uint8Array(out.buffer).set(buf.subarray(off, off + bytes));
  return out;
}

export type LoadResult =
  { history: History; status: 'loaded' | 'absent' } | { history: History; status: 'discarded'; reason: string };

/** The file of the minute tier (days 2 to 7), beside the history file. */
export const coldPath = (path: string) => path.replace(/\.nnstats$/, '') + '.week';

/**
 * The saved history, or an empty one: a file from another layout or a damaged one is moved aside, never fatal.
 * The minute tier stays in its own file (cold.ts), written as it goes.
 */
export function loadHistory(
  path: string,
  tiers: readonly TierSpec[] = TIERS,
  onError?: (message: string) => void,
): LoadResult {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fresh = () => new History(tiers, new FileCold(coldPath(path), tiers[2]?.capacity ?? 0, onError));
  const history = fresh();
  if (!existsSync(path)) return { history, status: 'absent' };
  try {
    const buf = readFileSync(path);
    if (buf.toString('latin1', 0, 8) !== MAGIC) throw new Error('not a NovaNet statistics file');
    const headLen = buf.readUInt32LE(8);
    const header = headerSchema.parse(JSON.parse(buf.toString('utf8', 12, 12 + headLen)));
    if (header.codec !== CODEC_ID) throw new Error(`written with codec ${header.codec}`);
    if (header.endian !== endianness()) throw new Error('written on a machine of the other byte order');
    if (!sameTiers(header.tiers, history.tiers)) throw new Error('written with other ring sizes');
    let off = 12 + headLen;
    for (const h of header.rows) {
      const r = history.row(h.name);
      h.tiers.forEach((ht, i) => {
        const t = r.tiers[i];
        const words = (history.tiers[i]?.capacity ?? 0) * 3;
        if (!t) throw new Error('row has more tiers than the history');
        t.last = ht.last;
        t.lastFault = ht.lastFault;
        t.traffic = ht.traffic ? arrayAt(buf, off, words) : null;
        if (ht.traffic) off += words * 2;
        t.faults = ht.faults ? arrayAt(buf, off, words) : null;
        if (ht.faults) off += words * 2;
        t.block = ht.block;
      });
      h.acc.forEach((ha, i) => {
        const a = r.acc[i];
        if (!a) return;
        a.bucket = ha.bucket;
        a.n = ha.n;
        a.sum.set(ha.sum);
      });
    }
    if (off !== buf.length) throw new Error('file is longer than its header says');
    history.cold.adopt([...history.rows.values()].map((r) => r.tiers[2]?.block ?? -1).filter((b) => b >= 0));
    return { history, status: 'loaded' };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    try {
      renameSync(path, `${path}.bad`);
    } catch {
      /* keep going with an empty history either way */
    }
    history.close();
    return { history: fresh(), status: 'discarded', reason };
  }
}

/** Nothing in a history file outlives 7 days: files untouched for longer (namespaces long gone) are removed. */
export const STALE_MS = 8 * 86_400_000;

export function pruneStaleHistories(dir: string, now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const n of names) {
    if (!/\.(nnstats|week|bad|tmp)$/.test(n)) continue;
    const p = join(dir, n);
    try {
      if (now - statSync(p).mtimeMs > STALE_MS) {
        unlinkSync(p);
        removed.push(n);
      }
    } catch {
      /* another process removed it, or it cannot be: either way nothing to do */
    }
  }
  return removed;
}

export function alertRulesPath(dir = configDir()): string {
  return join(dir, 'alert-rules.json');
}

export const DEFAULT_ALERT_RULES: AlertRule[] = [
  {
    interface: '*',
    bandwidthPct: 90,
    errorsPerS: 1,
    dropsPerS: 100,
    linkDown: true,
    anomaly: { enabled: true, k: 6, windowMin: 15, floorBps: 1_000_000 },
    holdS: 5,
  },
];

/** The user's rules, or the defaults when there is no file or it does not parse (never fatal). */
export function loadAlertRules(path = alertRulesPath()): AlertRule[] {
  try {
    const parsed = alertRulesSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : DEFAULT_ALERT_RULES;
  } catch {
    return DEFAULT_ALERT_RULES;
  }
}

export function saveAlertRules(rules: AlertRule[], path = alertRulesPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(rules, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
