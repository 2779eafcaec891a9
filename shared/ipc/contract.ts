/**
 * The whole API between the renderer and the Node side, as one map of methods and one map of event streams.
 * Electron's preload, the main-process handlers, the WebSocket server and client are all driven by these maps.
 */
import { z } from 'zod';
import { targetSchema } from '../model/target';
import { hostStateSchema } from '../model/host-state';
import { topologyGraphSchema } from '../topology/graph';
import { METHOD_NAMES, EVENT_NAMES, type MethodName, type EventName } from './names';

export { isMethodName, isEventName, type MethodName, type EventName } from './names';

export const appInfoSchema = z.object({
  name: z.literal('NovaNet'),
  version: z.string(),
  transport: z.enum(['electron', 'web']),
  /** What the app looks at unless a call names another target. */
  defaultTarget: targetSchema,
  targetLabel: z.string(),
  lab: z.boolean(),
  privileged: z.boolean(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const snapshotSchema = z.object({ state: hostStateSchema, graph: topologyGraphSchema });
export type Snapshot = z.infer<typeof snapshotSchema>;

const noParams = z.object({}).strict();

export const methods = {
  'app.info': { params: noParams, result: appInfoSchema },
  'topology.snapshot': {
    params: z.object({ target: targetSchema.optional() }).strict(),
    result: snapshotSchema,
  },
} as const satisfies Record<MethodName, { params: z.ZodType; result: z.ZodType }>;

export const events = {
  /** The host changed (ip monitor, OVSDB, libvirt); the renderer refetches the snapshot. */
  'topology.changed': z.object({ at: z.string(), reasons: z.array(z.string()) }),
} as const satisfies Record<EventName, z.ZodType>;

export type MethodParams<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type MethodResult<M extends MethodName> = z.output<(typeof methods)[M]['result']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const methodNames: readonly MethodName[] = METHOD_NAMES;
export const eventNames: readonly EventName[] = EVENT_NAMES;

/** The typed surface the renderer uses; both transports produce exactly this. */
export interface NovanetApi {
  invoke<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** The untyped bridge a transport provides (preload's `window.novanet`, or the WebSocket client). */
export interface RawBridge {
  invoke(method: string, params: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

/** Implementations of every method, on the Node side. */
export type Handlers = {
  [M in MethodName]: (params: z.output<(typeof methods)[M]['params']>) => Promise<MethodResult<M>>;
};

/** A source of events on the Node side, subscribed per event name. */
export interface EventSource {
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
