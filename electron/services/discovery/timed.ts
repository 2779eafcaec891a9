import type { SourceStatus } from '../../../shared/model/host-state';
import { NotFoundError } from '../../../shared/ipc/errors';
import { ToolError } from '../runner';

/**
 * Runs one discovery source and reports how it went: ok with its duration, 'unavailable' when its tool is missing,
 * 'error' otherwise. Only an unknown namespace (NotFoundError) fails the whole snapshot.
 */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value?: T; status: SourceStatus }> {
  const started = performance.now();
  try {
    const value = await fn();
    return { value, status: { status: 'ok', durationMs: performance.now() - started } };
  } catch (err) {
    if (err instanceof NotFoundError) throw err;
    const missing = err instanceof ToolError && err.failure === 'missing';
    return {
      status: {
        status: missing ? 'unavailable' : 'error',
        message: err instanceof Error ? err.message : String(err),
        durationMs: performance.now() - started,
      },
    };
  }
}
