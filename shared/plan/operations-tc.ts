/**
 * tc operations: Linux-bridge port mirrors as a clsact qdisc plus one filter per source port and direction whose
 * only action is `mirred egress mirror` to the output port. One operation is one `tc -batch` line.
 */
import { z } from 'zod';
import { ifNameSchema } from '../model/target';

/** NovaNet's filter priorities: a fixed range, so a free one is easy to pick and a foreign one is never ours. */
export const TC_PREF_MIN = 49152;
export const TC_PREF_MAX = 49407;
/** "nnm1" in hex: every NovaNet cookie starts with it, whichever spec made the filter. */
export const TC_COOKIE_PREFIX = '6e6e6d31';
/** A mirred action's cookie (16 bytes, hex) says which spec made the filter: "nnm1" then a hash of the spec name. */
export const tcCookieSchema = z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits');

const dev = ifNameSchema;
const direction = z.enum(['ingress', 'egress']);
const pref = z.number().int().min(TC_PREF_MIN).max(TC_PREF_MAX);

export const tcOperationSchemas = [
  z.object({ op: z.literal('tc.clsact.add'), dev }).strict(),
  z.object({ op: z.literal('tc.clsact.del'), dev }).strict(),
  z.object({ op: z.literal('tc.mirror.add'), dev, direction, pref, output: dev, cookie: tcCookieSchema }).strict(),
  z.object({ op: z.literal('tc.mirror.del'), dev, direction, pref }).strict(),
] as const;

type TcOp = z.infer<(typeof tcOperationSchemas)[number]>;

/** Arguments after `tc` (one batch line, split into words). */
export function tcWords(op: { op: string }): string[] {
  const o = op as TcOp;
  switch (o.op) {
    case 'tc.clsact.add':
      return ['qdisc', 'add', 'dev', o.dev, 'clsact'];
    case 'tc.clsact.del':
      return ['qdisc', 'del', 'dev', o.dev, 'clsact'];
    case 'tc.mirror.add':
      // u32 with an empty key matches every packet and exists on every kernel with tc (matchall is optional).
      return [
        'filter',
        'add',
        'dev',
        o.dev,
        o.direction,
        'pref',
        String(o.pref),
        'protocol',
        'all',
        'u32',
        'match',
        'u32',
        '0',
        '0',
        'action',
        'mirred',
        'egress',
        'mirror',
        'dev',
        o.output,
        'cookie',
        o.cookie,
      ];
    case 'tc.mirror.del':
      return ['filter', 'del', 'dev', o.dev, o.direction, 'pref', String(o.pref)];
    default:
      throw new Error(`${op.op} is not a tc operation`);
  }
}

/** 32-bit FNV-1a, seeded, as 8 hex digits. */
function fnv(s: string, seed: number): string {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The cookie NovaNet puts on the mirred actions of `spec`: stable, and distinct per spec name. */
export function tcCookieFor(spec: string): string {
  return `${TC_COOKIE_PREFIX}${fnv(spec, 1)}${fnv(spec, 2)}${fnv(spec, 3)}`;
}
