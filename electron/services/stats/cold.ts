/**
 * The minute tier (days 2 to 7) lives on disk, not in memory: it is written once a minute per interface and read
 * only for a 7-day chart, so keeping it in RAM would cost 52 KB per interface (52 MB for 1000) for almost no
 * reads. The file is an array of fixed-size blocks, one per interface, each a ring of slots of 6 words
 * (3 for the traffic codes, 3 for errors and drops; see codec.ts): one pwrite of 12 bytes per interface and
 * minute, one pread of 104 KB per interface for a 7-day query. Which block belongs to which interface is kept in
 * the history file's header (store.ts); a block whose owner was lost is simply reused, as a new owner first
 * marks all its slots "not sampled".
 */
import { closeSync, existsSync, openSync, readSync, writeSync } from 'node:fs';
import { MISSING_WORD } from './codec';

export const WORDS_PER_SLOT = 6;

export interface ColdStore {
  readonly slots: number;
  alloc(): number;
  free(block: number): void;
  /** The blocks in use, for the history file's header. */
  used(): number[];
  /** Takes over blocks in use from a saved header. */
  adopt(blocks: number[]): void;
  write(block: number, pos: number, words: Uint16Array): void;
  /** Marks `count` slots from `pos` (no wrap) "not sampled". */
  fillMissing(block: number, pos: number, count: number): void;
  /** The whole block: slots x 6 words. */
  read(block: number): Uint16Array;
  /** Bytes on disk (or in memory for the in-memory store). */
  bytes(): number;
  close(): void;
}

function missingSlots(count: number): Uint16Array {
  const w = new Uint16Array(count * WORDS_PER_SLOT);
  for (let i = 0; i < count; i++) w.fill(MISSING_WORD, i * WORDS_PER_SLOT, i * WORDS_PER_SLOT + 3);
  return w;
}

abstract class BlockStore implements ColdStore {
  private next = 0;
  private freeList: number[] = [];
  private inUse = new Set<number>();
  constructor(readonly slots: number) {}
  alloc(): number {
    const b = this.freeList.pop() ?? this.next++;
    this.inUse.add(b);
    return b;
  }
  free(block: number): void {
    if (this.inUse.delete(block)) this.freeList.push(block);
  }
  used(): number[] {
    return [...this.inUse].sort((a, b) => a - b);
  }
  adopt(blocks: number[]): void {
    this.inUse = new Set(blocks);
    this.next = Math.max(this.next, ...blocks.map((b) => b + 1), 0);
    this.freeList = [];
    for (let b = 0; b < this.next; b++) if (!this.inUse.has(b)) this.freeList.push(b);
  }
  protected get highWater(): number {
    return this.next;
  }
  abstract write(block: number, pos: number, words: Uint16Array): void;
  abstract fillMissing(block: number, pos: number, count: number): void;
  abstract read(block: number): Uint16Array;
  abstract bytes(): number;
  close(): void {}
}

/** For a history without a file (the CLI, tests). */
export class MemoryCold extends BlockStore {
  private blocks = new Map<number, Uint16Array>();
  private block(b: number): Uint16Array {
    let a = this.blocks.get(b);
    if (!a) this.blocks.set(b, (a = missingSlots(this.slots)));
    return a;
  }
  write(block: number, pos: number, words: Uint16Array): void {
    this.block(block).set(words, pos * WORDS_PER_SLOT);
  }
  fillMissing(block: number, pos: number, count: number): void {
    this.block(block).set(missingSlots(count), pos * WORDS_PER_SLOT);
  }
  read(block: number): Uint16Array {
    return this.block(block);
  }
  override free(block: number): void {
    super.free(block);
    this.blocks.delete(block);
  }
  bytes(): number {
    return [...this.blocks.values()].reduce((n, a) => n + a.byteLength, 0);
  }
}

/** Blocks in a file beside the history file. A disk error turns the tier off (reads "not sampled"), once. */
export class FileCold extends BlockStore {
  /** Opened at the first write: a monitor that never kept a minute leaves no file. -1: not yet, -2: closed. */
  private fd = -1;
  private failed: string | undefined;
  constructor(
    readonly path: string,
    slots: number,
    private readonly onError: (message: string) => void = () => undefined,
  ) {
    super(slots);
    if (existsSync(path)) this.open();
  }
  private open(): number {
    if (this.fd === -1 && !this.failed) {
      try {
        closeSync(openSync(this.path, 'a', 0o600));
        this.fd = openSync(this.path, 'r+');
      } catch (err) {
        this.fail('opening', err);
      }
    }
    return this.fd;
  }
  private get blockBytes(): number {
    return this.slots * WORDS_PER_SLOT * 2;
  }
  private fail(what: string, err: unknown): void {
    this.failed = `${what} ${this.path}: ${(err as Error).message}`;
    this.onError(`the 7-day statistics are off: ${this.failed}`);
  }
  private io(what: string, fn: (fd: number) => void): void {
    const fd = this.open();
    if (this.failed || fd < 0) return;
    try {
      fn(fd);
    } catch (err) {
      this.fail(what, err);
    }
  }
  write(block: number, pos: number, words: Uint16Array): void {
    // Once a minute per interface: no closure here.
    const fd = this.open();
    if (this.failed || fd < 0) return;
    try {
      writeSync(fd, words, 0, words.byteLength, block * this.blockBytes + pos * WORDS_PER_SLOT * 2);
    } catch (err) {
      this.fail('writing', err);
    }
  }
  fillMissing(block: number, pos: number, count: number): void {
    const w = missingSlots(count);
    this.io('writing', (fd) => writeSync(fd, w, 0, w.byteLength, block * this.blockBytes + pos * WORDS_PER_SLOT * 2));
  }
  read(block: number): Uint16Array {
    const out = missingSlots(this.slots);
    const bytes = new Uint8Array(out.buffer);
    this.io('reading', (fd) => {
      let off = 0;
      while (off < bytes.length) {
        const n = readSync(fd, bytes, off, bytes.length - off, block * this.blockBytes + off);
        if (n === 0) break;
        off += n;
      }
    });
    return out;
  }
  bytes(): number {
    return this.highWater * this.blockBytes;
  }
  override close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -2;
  }
}
