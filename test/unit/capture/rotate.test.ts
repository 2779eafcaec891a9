import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../../shared/ipc/errors';
import { buildGlobalHeader, buildRecord, parsePcap, PcapStreamParser } from '../../../electron/services/capture/pcap';
import {
  checkOutputPath,
  createExclusive,
  rotatedName,
  RotatingWriter,
} from '../../../electron/services/capture/rotate';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nn-rotate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stream of n records of varying size (60..1560 bytes), record i filled with i. */
function records(n: number, littleEndian = true): Buffer {
  const parts = [buildGlobalHeader({ linkType: 1, littleEndian })];
  for (let i = 0; i < n; i++)
    parts.push(
      buildRecord({ tsSec: i, tsFrac: 0, data: Buffer.alloc(60 + ((i * 37) % 1500), i & 0xff), littleEndian }),
    );
  return Buffer.concat(parts);
}

function writeThrough(
  output: string,
  stream: Buffer,
  rotation: { maxBytes?: number; maxFiles?: number },
  chunk = 4000,
): RotatingWriter {
  const p = new PcapStreamParser();
  let w: RotatingWriter | undefined;
  for (let at = 0; at < stream.length; at += chunk) {
    const batch = p.push(stream.subarray(at, at + chunk));
    if (!w && p.header) w = new RotatingWriter(output, p.header.raw, rotation);
    w?.write(batch);
  }
  w?.close();
  return w as RotatingWriter;
}

describe('rotated file names', () => {
  it('numbers before the extension, never renames the first', () => {
    expect(rotatedName('/d/run.pcap', 0)).toBe('/d/run.pcap');
    expect(rotatedName('/d/run.pcap', 1)).toBe('/d/run.1.pcap');
    expect(rotatedName('/d/run.pcap', 12)).toBe('/d/run.12.pcap');
    expect(rotatedName('/d/run', 2)).toBe('/d/run.2');
    expect(rotatedName('/d/.pcap', 3)).toBe('/d/.pcap.3');
  });
});

describe('RotatingWriter', () => {
  it('without rotation writes one file identical to the stream', () => {
    const stream = records(200);
    const w = writeThrough(join(dir, 'one.pcap'), stream, {});
    expect(w.kept).toEqual([join(dir, 'one.pcap')]);
    expect(readFileSync(join(dir, 'one.pcap')).equals(stream)).toBe(true);
    expect([w.packets, w.bytes]).toEqual([200, stream.length]);
  });

  it('keeps at most N files, each at most the size, each a valid pcap, and loses no record of the kept span', () => {
    for (const littleEndian of [true, false]) {
      const sub = mkdtempSync(join(dir, 'r-'));
      const stream = records(3000, littleEndian);
      const max = 100_000;
      const w = writeThrough(join(sub, 'cap.pcap'), stream, { maxBytes: max, maxFiles: 3 });
      const files = readdirSync(sub).sort();
      expect(files.length).toBe(3);
      expect(w.kept.length).toBe(3);
      expect(w.deleted.length).toBeGreaterThan(0);
      let prevLast = -1;
      let total = 0;
      for (const f of w.kept) {
        const size = statSync(f).size;
        expect(size).toBeLessThanOrEqual(max);
        const { header, records: recs, trailing } = parsePcap(readFileSync(f));
        expect([header.littleEndian, trailing]).toEqual([littleEndian, 0]);
        // Records continue across files without a gap.
        const first = recs[0]!.tsSec;
        if (prevLast >= 0) expect(first).toBe(prevLast + 1);
        prevLast = recs.at(-1)!.tsSec;
        total += recs.length;
      }
      expect(prevLast).toBe(2999);
      // Every file but the last is full: the next record would not have fitted.
      for (const f of w.kept.slice(0, -1)) expect(statSync(f).size).toBeGreaterThan(max - 1576);
      expect(w.packets).toBe(3000);
      expect(total).toBeLessThan(3000);
      expect(w.kept.map((f) => f.slice(sub.length + 1))).toEqual(
        w.kept.map((_, i) => `cap.${w.deleted.length + i}.pcap`),
      );
    }
  });

  it('gives a packet larger than the size limit a file of its own', () => {
    const stream = Buffer.concat([
      buildGlobalHeader({ linkType: 1 }),
      buildRecord({ tsSec: 1, tsFrac: 0, data: Buffer.alloc(100) }),
      buildRecord({ tsSec: 2, tsFrac: 0, data: Buffer.alloc(5000) }),
      buildRecord({ tsSec: 3, tsFrac: 0, data: Buffer.alloc(100) }),
    ]);
    const w = writeThrough(join(dir, 'big.pcap'), stream, { maxBytes: 1000 });
    expect(w.kept.map((f) => parsePcap(readFileSync(f)).records.map((r) => r.tsSec))).toEqual([[1], [2], [3]]);
    expect(statSync(w.kept[1]!).size).toBe(24 + 16 + 5000);
  });

  it('creates files only for the user (0600) and never over an existing one', () => {
    const w = writeThrough(join(dir, 'mode.pcap'), records(3), {});
    expect(statSync(w.kept[0]!).mode & 0o777).toBe(0o600);
    expect(() => createExclusive(join(dir, 'mode.pcap'))).toThrow(/appeared while the capture ran/);
    symlinkSync('/etc/hostname', join(dir, 'sneaky.pcap'));
    expect(() => createExclusive(join(dir, 'sneaky.pcap'))).toThrow(/cannot create/);
  });
});

describe('--output checks (nothing started on failure)', () => {
  const refuse = (path: string, re: RegExp, rotating = false) => {
    let err: unknown;
    try {
      checkOutputPath(path, { rotating });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/^--output: /);
    expect((err as Error).message).toMatch(re);
  };

  it('accepts a new file in a writable folder and returns it absolute', () => {
    expect(checkOutputPath(join(dir, 'new.pcap'), { rotating: true })).toBe(join(dir, 'new.pcap'));
  });
  it('refuses a symlink, even a dangling one', () => {
    symlinkSync(join(dir, 'nowhere'), join(dir, 'link.pcap'));
    refuse(join(dir, 'link.pcap'), /is a symbolic link/);
  });
  it('refuses a device, a directory, a named pipe', () => {
    refuse('/dev/null', /is a device/);
    refuse(dir, /is a directory/);
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    refuse(join(dir, 'fifo'), /is a named pipe/);
  });
  it('refuses an existing file and a rotated sibling in the way', () => {
    writeFileSync(join(dir, 'old.pcap'), 'x');
    refuse(join(dir, 'old.pcap'), /already exists/);
    writeFileSync(join(dir, 'run.4.pcap'), 'x');
    expect(checkOutputPath(join(dir, 'run.pcap'), { rotating: false })).toBe(join(dir, 'run.pcap'));
    refuse(join(dir, 'run.pcap'), /run\.4\.pcap already exists/, true);
  });
  it('refuses a missing folder or one that is a file', () => {
    refuse(join(dir, 'missing', 'x.pcap'), /folder .* does not exist/);
    writeFileSync(join(dir, 'plain'), 'x');
    refuse(join(dir, 'plain', 'x.pcap'), /is not a folder/);
  });
  it.skipIf(process.getuid?.() === 0)('refuses a folder the user cannot write', () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro, { mode: 0o500 });
    refuse(join(ro, 'x.pcap'), /cannot write in the folder/);
  });
  it('names the field it is given (the API says output)', () => {
    expect(() => checkOutputPath('/dev/null', { rotating: false, flag: 'output' })).toThrow(
      /^output: \/dev\/null is a device/,
    );
  });
});
