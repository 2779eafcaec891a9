/**
 * Classic pcap (what `tcpdump -w` writes): a 24-byte global header, then records of a 16-byte header plus the
 * captured bytes. The stream parser hands back whole records only, as offsets into one buffer per chunk, so the
 * writer can split files at record boundaries without copying each packet.
 */

export const GLOBAL_HEADER_LEN = 24;
export const RECORD_HEADER_LEN = 16;

const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;
/** No pcap record may be bigger than this: a larger length means the stream is not pcap or is corrupt. */
const MAX_RECORD = 16 * 1024 * 1024;

export interface PcapHeader {
  littleEndian: boolean;
  /** Timestamps in nanoseconds (magic a1b23c4d) instead of microseconds. */
  nanos: boolean;
  versionMajor: number;
  versionMinor: number;
  snaplen: number;
  linkType: number;
  /** The header exactly as received: every rotated file starts with these bytes. */
  raw: Buffer;
}

export interface RecordHeader {
  tsSec: number;
  tsFrac: number;
  capLen: number;
  origLen: number;
}

export class PcapFormatError extends Error {
  override name = 'PcapFormatError';
}

export function parseGlobalHeader(buf: Buffer): PcapHeader {
  if (buf.length < GLOBAL_HEADER_LEN)
    throw new PcapFormatError(`pcap header is ${buf.length} bytes, needs ${GLOBAL_HEADER_LEN}`);
  const le = buf.readUInt32LE(0);
  const be = buf.readUInt32BE(0);
  let littleEndian: boolean;
  let nanos: boolean;
  if (le === MAGIC_MICRO || le === MAGIC_NANO) [littleEndian, nanos] = [true, le === MAGIC_NANO];
  else if (be === MAGIC_MICRO || be === MAGIC_NANO) [littleEndian, nanos] = [false, be === MAGIC_NANO];
  else throw new PcapFormatError(`not a pcap stream (magic 0x${be.toString(16).padStart(8, '0')})`);
  const u16 = (o: number) => (littleEndian ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (littleEndian ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  return {
    littleEndian,
    nanos,
    versionMajor: u16(4),
    versionMinor: u16(6),
    snaplen: u32(16),
    // The upper bits of the link type field carry FCS information in newer pcap; the type is the low 16.
    linkType: u32(20) & 0xffff,
    raw: Buffer.from(buf.subarray(0, GLOBAL_HEADER_LEN)),
  };
}

export function readRecordHeader(h: Pick<PcapHeader, 'littleEndian'>, buf: Buffer, off: number): RecordHeader {
  const u32 = h.littleEndian ? (o: number) => buf.readUInt32LE(off + o) : (o: number) => buf.readUInt32BE(off + o);
  return { tsSec: u32(0), tsFrac: u32(4), capLen: u32(8), origLen: u32(12) };
}

/** Seconds since the epoch, with the header's sub-second precision. */
export function recordTime(h: Pick<PcapHeader, 'nanos'>, r: RecordHeader): number {
  return r.tsSec + r.tsFrac / (h.nanos ? 1e9 : 1e6);
}

/** Whole records found in one push: record i is `data[offsets[i] .. offsets[i+1])`; the last offset is the end. */
export interface RecordBatch {
  data: Buffer;
  offsets: number[];
}

export class PcapStreamParser {
  header: PcapHeader | undefined;
  private pending: Buffer = Buffer.alloc(0);
  packets = 0;

  /** Feeds bytes; returns the whole records they complete (none while a record is still partial). */
  push(chunk: Buffer): RecordBatch {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    if (!this.header) {
      if (buf.length < GLOBAL_HEADER_LEN) {
        this.pending = Buffer.from(buf);
        return { data: buf, offsets: [] };
      }
      this.header = parseGlobalHeader(buf);
      buf = buf.subarray(GLOBAL_HEADER_LEN);
    }
    const h = this.header;
    const capLenAt = h.littleEndian ? (o: number) => buf.readUInt32LE(o + 8) : (o: number) => buf.readUInt32BE(o + 8);
    const offsets: number[] = [];
    let off = 0;
    while (off + RECORD_HEADER_LEN <= buf.length) {
      const capLen = capLenAt(off);
      if (capLen > MAX_RECORD)
        throw new PcapFormatError(
          `pcap record ${this.packets + offsets.length + 1} claims ${capLen} bytes: the stream is corrupt`,
        );
      const end = off + RECORD_HEADER_LEN + capLen;
      if (end > buf.length) break;
      offsets.push(off);
      off = end;
    }
    if (offsets.length) offsets.push(off);
    this.packets += Math.max(0, offsets.length - 1);
    // Copy the tail so the (possibly large) chunk it came from is not kept alive by it.
    this.pending = off < buf.length ? Buffer.from(buf.subarray(off)) : Buffer.alloc(0);
    return { data: buf, offsets };
  }

  /** Bytes of an unfinished record (or header) still waiting; non-zero at the end means the stream was cut. */
  get leftover(): number {
    return this.pending.length;
  }
}

/** Every record of a whole pcap file or buffer (tests, the benchmark, counting what was written). */
export function parsePcap(buf: Buffer): {
  header: PcapHeader;
  records: (RecordHeader & { data: Buffer })[];
  trailing: number;
} {
  const p = new PcapStreamParser();
  const { data, offsets } = p.push(buf);
  if (!p.header) throw new PcapFormatError('not a pcap file: shorter than its header');
  const records: (RecordHeader & { data: Buffer })[] = [];
  for (let i = 0; i + 1 < offsets.length; i++) {
    const off = offsets[i] as number;
    const r = readRecordHeader(p.header, data, off);
    records.push({ ...r, data: data.subarray(off + RECORD_HEADER_LEN, off + RECORD_HEADER_LEN + r.capLen) });
  }
  return { header: p.header, records, trailing: p.leftover };
}

/** Builds a pcap global header (tests and fixtures); tcpdump writes the real ones. */
export function buildGlobalHeader(o: {
  linkType: number;
  snaplen?: number;
  littleEndian?: boolean;
  nanos?: boolean;
}): Buffer {
  const b = Buffer.alloc(GLOBAL_HEADER_LEN);
  const le = o.littleEndian ?? true;
  const w32 = (v: number, at: number) => (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  const w16 = (v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  w32(o.nanos ? MAGIC_NANO : MAGIC_MICRO, 0);
  w16(2, 4);
  w16(4, 6);
  w32(o.snaplen ?? 262_144, 16);
  w32(o.linkType, 20);
  return b;
}

export function buildRecord(o: {
  tsSec: number;
  tsFrac: number;
  data: Buffer;
  origLen?: number;
  littleEndian?: boolean;
}): Buffer {
  const b = Buffer.alloc(RECORD_HEADER_LEN + o.data.length);
  const w32 = (v: number, at: number) => ((o.littleEndian ?? true) ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  w32(o.tsSec, 0);
  w32(o.tsFrac, 4);
  w32(o.data.length, 8);
  w32(o.origLen ?? o.data.length, 12);
  o.data.copy(b, RECORD_HEADER_LEN);
  return b;
}
