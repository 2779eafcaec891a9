import { methods, isMethodName, events, type Handlers, type RawBridge, type NovanetApi, isEventName } from './contract';
import {
  toEnvelope,
  fromEnvelope,
  errorEnvelopeSchema,
  validationErrorFrom,
  ValidationError,
  type ErrorEnvelope,
} from './errors';

export type CallOutcome = { result: unknown } | ErrorEnvelope;

/**
 * Validates a call that arrived over any transport and runs its handler. Never throws: failures come back as an
 * error envelope so the transport can send them as they are.
 */
export async function dispatch(handlers: Handlers, method: unknown, params: unknown): Promise<CallOutcome> {
  try {
    if (!isMethodName(method)) throw new ValidationError(`method: unknown method ${JSON.stringify(method)}`);
    const def = methods[method];
    const parsed = def.params.safeParse(params ?? {});
    if (!parsed.success) throw validationErrorFrom(parsed.error, 'params');
    const handler = handlers[method] as (p: unknown) => Promise<unknown>;
    return { result: await handler(parsed.data) };
  } catch (err) {
    return toEnvelope(err);
  }
}

/** Wraps a transport's raw bridge into the typed API; rebuilds errors as their Error subclasses. */
export function typedApi(raw: RawBridge): NovanetApi {
  return {
    async invoke(method, params) {
      let outcome: unknown;
      try {
        outcome = await raw.invoke(method, params);
      } catch (err) {
        const env = errorEnvelopeSchema.safeParse(err);
        throw env.success ? fromEnvelope(env.data) : err;
      }
      const env = errorEnvelopeSchema.safeParse(outcome);
      if (env.success && outcome && typeof outcome === 'object' && !('result' in outcome)) throw fromEnvelope(env.data);
      return (outcome as { result: never }).result;
    },
    on(event, listener) {
      if (!isEventName(event)) throw new ValidationError(`event: unknown event ${String(event)}`);
      const schema = events[event];
      return raw.on(event, (payload) => {
        const parsed = schema.safeParse(payload);
        if (parsed.success) listener(parsed.data as never);
      });
    },
  };
}
