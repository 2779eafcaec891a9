/**
 * A minimal writer for the "newc" cpio format the kernel unpacks as an initramfs. Written here rather than
 * shelling out to cpio(1) so the harness needs no extra package and device nodes need no privileges.
 */

export interface CpioEntry {
  /** Path without a leading slash. */
  name: string;
  /** Full st_mode, file type bits included (0o100755 file, 0o40755 directory, 0o20600 character device). */
  mode: number;
  data?: Buffer;
  /** [major, minor] for device nodes. */
  rdev?: [number, number];
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');
const pad4 = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);

function record(ino: number, e: CpioEntry): Buffer[] {
  const name = Buffer.from(`${e.name}\0`);
  const data = e.data ?? Buffer.alloc(0);
  const fields = [
    ino,
    e.mode,
    0, // uid
    0, // gid
    e.mode & 0o40000 ? 2 : 1, // nlink
    0, // mtime: fixed, so the archive is reproducible
    data.length,
    0, // devmajor
    0, // devminor
    e.rdev?.[0] ?? 0,
    e.rdev?.[1] ?? 0,
    name.length,
    0, // check
  ];
  const header = Buffer.from(`070701${fields.map(hex8).join('')}`, 'ascii');
  return [header, name, pad4(header.length + name.length), data, pad4(data.length)];
}

export function writeCpio(entries: readonly CpioEntry[]): Buffer {
  const parts = entries.flatMap((e, i) => record(i + 1, e));
  parts.push(...record(0, { name: 'TRAILER!!!', mode: 0 }));
  return Buffer.concat(parts);
}
