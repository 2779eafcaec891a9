import { z } from 'zod';

/** Raised when a tool answered but its output is not what it documents (garbage, truncated, wrong shape). */
export class OutputError extends Error {
  override name = 'OutputError';
}

export function parseJson<T>(tool: string, text: string, schema: z.ZodType<T>): T {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new OutputError(`${tool} returned output that is not JSON (${why})`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OutputError(`${tool} returned unexpected JSON at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

type Scalar = string | number | boolean;

/** `prefix.key` strings repeat for every link; build each once. */
const keyCache = new Map<string, Map<string, string>>();
function joinKey(prefix: string, key: string): string {
  if (!prefix) return key;
  let m = keyCache.get(prefix);
  if (!m) keyCache.set(prefix, (m = new Map()));
  let k = m.get(key);
  if (k === undefined) m.set(key, (k = `${prefix}.${key}`));
  return k;
}

/** Flattens nested tool output into `prefix.key` scalars for the details panel. */
export function flatten(obj: unknown, prefix: string, out: Record<string, Scalar>): Record<string, Scalar> {
  if (obj === null || obj === undefined) return out;
  if (Array.isArray(obj)) {
    if (obj.every((v) => typeof v !== 'object' || v === null)) out[prefix] = obj.join(', ');
    else obj.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (typeof obj === 'object') {
    const o = obj as Record<string, unknown>;
    for (const k in o) {
      const v = o[k];
      const t = typeof v;
      if (t === 'string' || t === 'number' || t === 'boolean') out[joinKey(prefix, k)] = v as Scalar;
      else flatten(v, joinKey(prefix, k), out);
    }
  } else if (typeof obj === 'string' || typeof obj === 'number' || typeof obj === 'boolean') {
    out[prefix] = obj;
  }
  return out;
}
