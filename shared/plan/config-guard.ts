/**
 * Defence in depth for generated configuration (GUIDE section 3): the schemas already refuse bad values, but the
 * builders check again right where a value is written, so a caller that skipped the schema (or a future field
 * someone forgot to constrain) cannot smuggle a newline into a dnsmasq line or a control character into XML.
 */
import type { z } from 'zod';

export class ConfigValueError extends Error {
  override name = 'ConfigValueError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** Parses `value` with `schema` (applying its normalisation) or throws naming the first bad field. */
export function checked<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const i = r.error.issues[0];
  const path = (i?.path ?? []).reduce<string>(
    (s, p) => (typeof p === 'number' ? `${s}[${p}]` : `${s}.${String(p)}`),
    what,
  );
  throw new ConfigValueError(path, i?.message ?? 'is invalid');
}

/** Any C0 control character or DEL: XML 1.0 cannot carry most of them and no config line should. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Walks a value and refuses a control character in any string, wherever it hides. */
export function refuseControlChars(value: unknown, what: string): void {
  if (typeof value === 'string') {
    if (CONTROL_CHARS.test(value)) throw new ConfigValueError(what, 'contains a control character');
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => refuseControlChars(v, `${what}[${i}]`));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) refuseControlChars(v, `${what}.${k}`);
  }
}
