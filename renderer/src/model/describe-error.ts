/** Words for an error a user can act on. Matches on `name` because errors are rebuilt from the wire. */
export interface ErrorDescription {
  title: string;
  message: string;
  hint?: string;
}

export function describeError(err: unknown): ErrorDescription {
  const name = err instanceof Error ? err.name : '';
  const message = err instanceof Error ? err.message : String(err);
  switch (name) {
    case 'TransportError':
      return {
        title: 'The NovaNet server is unreachable',
        message,
        hint: 'Check that `novanet serve` (or the desktop app) is still running, then retry.',
      };
    case 'PermissionError':
      return {
        title: 'Not allowed',
        message,
        hint: 'In web mode, open the full URL with its token that `novanet serve` printed.',
      };
    case 'UnavailableError':
      return { title: 'A required tool or service is unavailable', message };
    case 'NotFoundError':
      return { title: 'The target was not found', message, hint: 'The namespace or database may have been removed.' };
    case 'ValidationError':
      return { title: 'The request was rejected', message };
    default:
      return { title: 'Reading the host failed', message };
  }
}
