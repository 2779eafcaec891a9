/**
 * 12-bit logarithmic codes for stored rates, four to a 6-byte slot.
 *
 * Why not Float32: 24 h at 10 s is 8640 slots; 8 rates x 4 bytes x 8640 x 1000 interfaces is 276 MB, four
 * times the 64 MB budget. A log code keeps the *relative* error constant from 0.001/s to 1 Tbit/s:
 * 4093 codes over 50 octaves is one code per 0.85 %, so a stored value is within ±0.43 % of what was sampled
 * (a chart 400 px tall shows 0.25 % per pixel at best). Code 0 is exactly zero and 4095 "not sampled".
 * Live samples and the CLI never go through this: only history does.
 */
export const CODE_ZERO = 0;
export const CODE_MISSING = 0xfff;
const LOG2_MIN = -10;
const LOG2_MAX = 40;
const PER_OCTAVE = 4093 / (LOG2_MAX - LOG2_MIN);

/** Largest relative error of encode -> decode for values inside the range. */
export const CODEC_MAX_REL_ERROR = 2 ** (0.5 / PER_OCTAVE) - 1;
export const CODEC_ID = `log2-12bit:${LOG2_MIN}:${LOG2_MAX}`;

export function encode(v: number): number {
  if (!(v >= 0)) return CODE_MISSING;
  if (v === 0) return CODE_ZERO;
  const c = 1 + Math.round((Math.log2(v) - LOG2_MIN) * PER_OCTAVE);
  return c < 1 ? 1 : c > 4094 ? 4094 : c;
}

export const DECODE = new Float64Array(4096);
for (let c = 1; c < 4095; c++) DECODE[c] = 2 ** ((c - 1) / PER_OCTAVE + LOG2_MIN);
DECODE[CODE_MISSING] = NaN;

export function decode(c: number): number {
  return DECODE[c & 0xfff] as number;
}

/** Four codes into three 16-bit words: the fourth code's nibbles ride in the top of each word. */
export function put4(arr: Uint16Array, slot: number, v: ArrayLike<number>, base: number): void {
  const o = slot * 3;
  const d = encode(v[base + 3] as number);
  arr[o] = encode(v[base] as number) | ((d & 0xf) << 12);
  arr[o + 1] = encode(v[base + 1] as number) | (((d >> 4) & 0xf) << 12);
  arr[o + 2] = encode(v[base + 2] as number) | ((d >> 8) << 12);
}

export function get4(arr: Uint16Array, slot: number, out: Float64Array, base: number): void {
  const o = slot * 3;
  const x = arr[o] as number;
  const y = arr[o + 1] as number;
  const z = arr[o + 2] as number;
  out[base] = DECODE[x & 0xfff] as number;
  out[base + 1] = DECODE[y & 0xfff] as number;
  out[base + 2] = DECODE[z & 0xfff] as number;
  out[base + 3] = DECODE[(x >> 12) | ((y >> 12) << 4) | ((z >> 12) << 8)] as number;
}

/** Every slot "not sampled": all twelve bits set in all three words. */
export const MISSING_WORD = 0xffff;
