/**
 * Writes the pcap stream into files as the user, optionally rotating by size and count.
 *
 * Naming: the first file is exactly `--output` (say `run.pcap`); later files insert a sequence number before the
 * extension: `run.1.pcap`, `run.2.pcap`, ... (no extension: `run`, `run.1`, ...). Numbers only grow and files are
 * never renamed, so a reader that has one open (Wireshark) is never pulled from under, and the numbers sort in
 * time order. With a rotation count N, the oldest file is deleted whenever an (N+1)th would be kept.
 * Each file starts with the stream's global header and holds whole records: at most the size limit, except a
 * single packet larger than the limit, which gets a file of its own.
 *
 * Every file is created with O_CREAT|O_EXCL|O_NOFOLLOW: never through a symlink, never over an existing file.
 */
import {
  closeSync,
  constants,
  lstatSync,
  openSync,
  readdirSync,
  statSync,
  unlinkSync,
  accessSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ValidationError } from '../../../shared/ipc/errors';
import type { RecordBatch } from './pcap';

/** Captures can hold passwords and private traffic: only the user may read them. */
const FILE_MODE = 0o600;

export function rotatedName(output: string, index: number): string {
  if (index === 0) return output;
  const ext = extname(output);
  return ext && basename(output) !== ext ? `${output.slice(0, -ext.length)}.${index}${ext}` : `${output}.${index}`;
}

/** Matches the rotated siblings of `output` (`run.1.pcap`...), never `output` itself. */
function siblingPattern(output: string): RegExp {
  const name = basename(output);
  const ext = extname(name);
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return ext && name !== ext
    ? new RegExp(`^${esc(name.slice(0, -ext.length))}\\.\\d+${esc(ext)}$`)
    : new RegExp(`^${esc(name)}\\.\\d+$`);
}

function kindOf(mode: number): string {
  if ((mode & constants.S_IFMT) === constants.S_IFLNK) return 'is a symbolic link';
  if ((mode & constants.S_IFMT) === constants.S_IFDIR) return 'is a directory';
  if ((mode & constants.S_IFMT) === constants.S_IFCHR || (mode & constants.S_IFMT) === constants.S_IFBLK)
    return 'is a device';
  if ((mode & constants.S_IFMT) === constants.S_IFIFO) return 'is a named pipe';
  if ((mode & constants.S_IFMT) === constants.S_IFSOCK) return 'is a socket';
  return 'already exists (captures never overwrite a file: choose another name or delete it)';
}

/**
 * Checks an output path before anything starts; returns it absolute. `flag` names the field in errors
 * (`--output` for the CLI, `output` for the API).
 */
export function checkOutputPath(output: string, opts: { rotating: boolean; flag?: string }): string {
  const flag = opts.flag ?? '--output';
  if (!output || /[\0\n]/.test(output)) throw new ValidationError(`${flag}: must be a file name`);
  const path = resolve(output);
  if (path.endsWith('/')) throw new ValidationError(`${flag}: ${output} is a directory`);
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw new ValidationError(`${flag}: you cannot write in the folder ${dirname(path)}`);
    if (code === 'ENOTDIR') throw new ValidationError(`${flag}: ${dirname(path)} is not a folder`);
    if (code !== 'ENOENT') throw new ValidationError(`${flag}: cannot check ${output}: ${(err as Error).message}`);
  }
  if (st) throw new ValidationError(`${flag}: ${output} ${kindOf(st.mode)}`);
  const dir = dirname(path);
  let dst;
  try {
    dst = statSync(dir);
  } catch {
    throw new ValidationError(`${flag}: the folder ${dir} does not exist`);
  }
  if (!dst.isDirectory()) throw new ValidationError(`${flag}: ${dir} is not a folder`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new ValidationError(`${flag}: you cannot write in the folder ${dir}`);
  }
  if (opts.rotating) {
    const re = siblingPattern(path);
    const clash = readdirSync(dir).find((n) => re.test(n));
    if (clash)
      throw new ValidationError(
        `${flag}: ${join(dir, clash)} already exists and a rotated file of this capture would take its name; choose another name or delete it`,
      );
  }
  return path;
}

/** Creates a new file for writing, refusing anything that already exists (including a symlink put there since). */
export function createExclusive(path: string): number {
  try {
    return openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, FILE_MODE);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST'
        ? 'appeared while the capture ran (never overwritten)'
        : code === 'ELOOP'
          ? 'is a symbolic link'
          : (err as Error).message;
    throw new ValidationError(`--output: cannot create ${path}: ${why}`);
  }
}

function writeAll(fd: number, buf: Buffer, start: number, end: number): void {
  let at = start;
  while (at < end) at += writeSync(fd, buf, at, end - at);
}

export interface Rotation {
  /** Largest file size in bytes (header included). */
  maxBytes?: number;
  /** Most files kept; older ones are deleted. */
  maxFiles?: number;
}

export class RotatingWriter {
  private fd: number | undefined;
  private index = 0;
  private size = 0;
  /** Files kept, oldest first. */
  readonly kept: string[] = [];
  readonly deleted: string[] = [];
  packets = 0;
  bytes = 0;

  constructor(
    private readonly output: string,
    private readonly header: Buffer,
    private readonly rotation: Rotation = {},
  ) {
    this.openNext();
  }

  private openNext(): void {
    const path = rotatedName(this.output, this.index++);
    // Writes are synchronous on purpose: records reach disk in order and a full disk surfaces at once, while
    // the helper's pipe (and tcpdump behind it) simply waits; nothing it captured is ever dropped here.
    this.fd = createExclusive(path);
    this.kept.push(path);
    this.size = 0;
    writeAll(this.fd, this.header, 0, this.header.length);
    this.size = this.header.length;
    this.bytes += this.header.length;
    const max = this.rotation.maxFiles;
    while (max !== undefined && this.kept.length > max) {
      const old = this.kept.shift() as string;
      try {
        unlinkSync(old);
      } catch {
        /* already gone: nothing to keep bounded */
      }
      this.deleted.push(old);
    }
  }

  write(batch: RecordBatch): void {
    const { data, offsets } = batch;
    if (offsets.length < 2 || this.fd === undefined) return;
    const max = this.rotation.maxBytes;
    let runStart = offsets[0] as number;
    let fill = this.size;
    for (let i = 0; i + 1 < offsets.length; i++) {
      const at = offsets[i] as number;
      const len = (offsets[i + 1] as number) - at;
      // A file that already holds a record is closed before it would grow past the limit.
      if (max !== undefined && fill + len > max && fill > this.header.length) {
        writeAll(this.fd, data, runStart, at);
        closeSync(this.fd);
        this.openNext();
        runStart = at;
        fill = this.size;
      }
      fill += len;
    }
    const end = offsets[offsets.length - 1] as number;
    writeAll(this.fd, data, runStart, end);
    this.packets += offsets.length - 1;
    this.bytes += end - (offsets[0] as number);
    this.size = fill;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Kept files with their size on disk now. */
  files(): { path: string; bytes: number }[] {
    return this.kept.map((path) => {
      try {
        return { path, bytes: lstatSync(path).size };
      } catch {
        return { path, bytes: 0 };
      }
    });
  }
}
