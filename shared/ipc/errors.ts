import { z } from 'zod';

/** How an error crosses a process or network boundary. */
export const errorEnvelopeSchema = z.object({
  error: z.object({
    name: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

export class NovanetError extends Error {
  override name = 'NovanetError';
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
/** Bad input: names the field and the reason. Nothing was changed. */
export class ValidationError extends NovanetError {
  override name = 'ValidationError';
}
/** A namespace, OVS database, libvirt URI or object that does not exist. */
export class NotFoundError extends NovanetError {
  override name = 'NotFoundError';
}
/** A tool is missing or a daemon does not answer. */
export class UnavailableError extends NovanetError {
  override name = 'UnavailableError';
}
/** The caller may not do this (bad token, wrong frame, missing privilege). */
export class PermissionError extends NovanetError {
  override name = 'PermissionError';
}
/** The transport itself failed (socket closed, timeout). */
export class TransportError extends NovanetError {
  override name = 'TransportError';
}

const byName: Record<string, new (message: string, details?: unknown) => NovanetError> = {
  ValidationError,
  NotFoundError,
  UnavailableError,
  PermissionError,
  TransportError,
  NovanetError,
};

export function toEnvelope(err: unknown): ErrorEnvelope {
  if (err instanceof NovanetError) return { error: { name: err.name, message: err.message, details: err.details } };
  if (err instanceof Error) return { error: { name: 'NovanetError', message: err.message } };
  return { error: { name: 'NovanetError', message: String(err) } };
}

export function fromEnvelope(env: ErrorEnvelope): NovanetError {
  const Ctor = byName[env.error.name] ?? NovanetError;
  return new Ctor(env.error.message, env.error.details);
}

/** Turns a zod failure into one line per field: `params.target.netns: must not be empty`. */
export function validationErrorFrom(err: z.ZodError, root: string): ValidationError {
  const issues = err.issues.map((i) => ({ path: [root, ...i.path.map(String)].join('.'), message: i.message }));
  const message = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new ValidationError(message, { issues });
}
