import { describe, expect, it } from 'vitest';
import {
  buildGlobalHeader,
  buildRecord,
  parseGlobalHeader,
  parsePcap,
  PcapFormatError,
  PcapStreamParser,
  readRecordHeader,
  recordTime,
  RECORD_HEADER_LEN,
} from '../../../electron/services/capture/pcap';

function stream(opts: { littleEndian: boolean; nanos?: boolean; sizes: number[] }): Buffer {
  const parts = [
    buildGlobalHeader({ linkType: 1, littleEndian: opts.littleEndian, ...(opts.nanos ? { nanos: true } : {}) }),
  ];
  opts.sizes.forEach((n, i) =>
    parts.push(
      buildRecord({
        tsSec: 1_700_000_000 + i,
        tsFrac: 123_456,
        data: Buffer.alloc(n, i & 0xff),
        origLen: n + 10,
        littleEndian: opts.littleEndian,
      }),
    ),
  );
  return Buffer.concat(parts);
}

/** Feeds a stream in pieces of the given sizes and collects every record's bytes. */
function feed(buf: Buffer, piece: (i: number) => number): { records: Buffer[]; parser: PcapStreamParser } {
  const parser = new PcapStreamParser();
  const records: Buffer[] = [];
  for (let at = 0, i = 0; at < buf.length; i++) {
    const n = Math.max(1, piece(i));
    const { data, offsets } = parser.push(buf.subarray(at, at + n));
    for (let k = 0; k + 1 < offsets.length; k++) records.push(Buffer.from(data.subarray(offsets[k], offsets[k + 1])));
    at += n;
  }
  return { records, parser };
}

describe('pcap global header', () => {
  it('reads little-endian microsecond files (what tcpdump writes on x86)', () => {
    const h = parseGlobalHeader(buildGlobalHeader({ linkType: 1, snaplen: 65535 }));
    expect(h).toMatchObject({
      littleEndian: true,
      nanos: false,
      versionMajor: 2,
      versionMinor: 4,
      snaplen: 65535,
      linkType: 1,
    });
    expect(h.raw.length).toBe(24);
  });

  it('reads big-endian and nanosecond files', () => {
    expect(parseGlobalHeader(buildGlobalHeader({ linkType: 113, littleEndian: false }))).toMatchObject({
      littleEndian: false,
      nanos: false,
      linkType: 113,
    });
    expect(parseGlobalHeader(buildGlobalHeader({ linkType: 276, littleEndian: false, nanos: true }))).toMatchObject({
      littleEndian: false,
      nanos: true,
      linkType: 276,
    });
    expect(parseGlobalHeader(buildGlobalHeader({ linkType: 1, nanos: true }))).toMatchObject({
      littleEndian: true,
      nanos: true,
    });
  });

  it('keeps only the link type of the FCS-carrying field', () => {
    const b = buildGlobalHeader({ linkType: 1 });
    b.writeUInt32LE(0x1000_0001, 20);
    expect(parseGlobalHeader(b).linkType).toBe(1);
  });

  it('refuses what is not pcap, naming the magic', () => {
    expect(() => parseGlobalHeader(Buffer.from('0a0d0d0a' + '00'.repeat(20), 'hex'))).toThrow(
      /not a pcap stream \(magic 0x0a0d0d0a\)/,
    );
    expect(() => parseGlobalHeader(Buffer.alloc(10))).toThrow(PcapFormatError);
  });
});

describe('pcap records', () => {
  it('reads timestamps with the header precision, in both byte orders', () => {
    for (const littleEndian of [true, false]) {
      for (const nanos of [false, true]) {
        const { header, records } = parsePcap(stream({ littleEndian, nanos, sizes: [60, 1514] }));
        expect(records.map((r) => [r.capLen, r.origLen, r.data.length])).toEqual([
          [60, 70, 60],
          [1514, 1524, 1514],
        ]);
        expect(recordTime(header, records[1]!)).toBeCloseTo(1_700_000_001 + (nanos ? 123_456e-9 : 0.123456), 9);
        expect(records[1]!.data.every((b) => b === 1)).toBe(true);
      }
    }
  });

  it('splits a stream at record boundaries however it is chunked', () => {
    const sizes = [1, 60, 0, 1514, 9000, 42, 3];
    for (const littleEndian of [true, false]) {
      const buf = stream({ littleEndian, sizes });
      const whole = feed(buf, () => buf.length);
      for (const piece of [() => 1, () => 7, (i: number) => ((i * 7919) % 4096) + 1, () => 16, () => 24]) {
        const { records, parser } = feed(buf, piece);
        expect(records).toEqual(whole.records);
        expect(parser.leftover).toBe(0);
        expect(parser.packets).toBe(sizes.length);
      }
      expect(whole.records.map((r) => r.length - RECORD_HEADER_LEN)).toEqual(sizes);
      expect(readRecordHeader({ littleEndian }, whole.records[3]!, 0).capLen).toBe(1514);
    }
  });

  it('holds back a partial record and says so at the end', () => {
    const buf = stream({ littleEndian: true, sizes: [100, 100] });
    const p = new PcapStreamParser();
    const first = p.push(buf.subarray(0, buf.length - 10));
    expect(first.offsets.length).toBe(2); // one whole record: start and end
    expect(p.leftover).toBe(16 + 90);
    const rest = p.push(buf.subarray(buf.length - 10));
    expect(rest.offsets).toEqual([0, 116]);
    expect(p.leftover).toBe(0);
  });

  it('refuses a record length no pcap can hold (a corrupt or foreign stream)', () => {
    const buf = stream({ littleEndian: true, sizes: [10] });
    buf.writeUInt32LE(0x7fff_ffff, 24 + 8);
    expect(() => new PcapStreamParser().push(buf)).toThrow(/claims 2147483647 bytes/);
  });

  it('parsePcap reports trailing bytes of a cut file', () => {
    const buf = stream({ littleEndian: false, sizes: [50, 50] });
    const r = parsePcap(buf.subarray(0, buf.length - 1));
    expect(r.records.length).toBe(1);
    expect(r.trailing).toBe(65);
  });
});
