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

/** Flattens nested tool output into `prefix.key` scalars for the details panel. */
export function flatten(obj: unknown, prefix: string, out: Record<string, Scalar>): Record<string, Scalar> {
  if (obj === null || obj === undefined) return out;
  if (Array.isArray(obj)) {
    if (obj.every((v) => typeof v !== 'object' || v === null)) out[prefix] = obj.join(', ');
    else obj.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (typeof obj === 'string' || typeof obj === 'number' || typeof obj === 'boolean') {
    out[prefix] = obj;
  }
  return out;
}
