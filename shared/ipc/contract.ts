/**
 * The whole API between the renderer and the Node side, as one map of methods and one map of event streams.
 * Electron's preload, the main-process handlers, the WebSocket server and client are all driven by these maps.
 */
import { z } from 'zod';
import { targetSchema } from '../model/target';
import { hostStateSchema } from '../model/host-state';
import { topologyGraphSchema } from '../topology/graph';
import { planSchema } from '../plan/operations';
import { specNameSchema } from '../spec/schema';
import * as stats from '../model/stats';
import * as capture from '../model/capture';
import * as vmnet from '../model/vmnet';
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

export const specIssueSchema = z.object({ path: z.string(), message: z.string() });
export const applyResultSchema = z.enum(['committed', 'failed', 'rolled-back', 'rollback-incomplete']);
export const versionSummarySchema = z.object({
  spec: z.string(),
  version: z.number().int(),
  at: z.string(),
  user: z.string(),
  result: applyResultSchema,
  reason: z.string().optional(),
  steps: z.number().int(),
  target: targetSchema,
});
export type VersionSummary = z.infer<typeof versionSummarySchema>;

/** Progress of one apply, relayed from the helper, plus the verdict when it ends. */
export const applyProgressSchema = z.object({
  applyId: z.string(),
  /** A helper event (see shared/plan/helper-protocol.ts): step done/failed/undone, applied, trial, committed... */
  event: z.record(z.string(), z.unknown()).and(z.object({ type: z.string() })),
  /** The verdict; `version` is absent when the apply could not even start (nothing was recorded). */
  outcome: z.object({ result: applyResultSchema, reason: z.string().optional(), version: z.number().int().optional() }).optional(),
});
export type ApplyProgress = z.infer<typeof applyProgressSchema>;

export const methods = {
  'app.info': { params: noParams, result: appInfoSchema },
  'topology.snapshot': {
    params: z.object({ target: targetSchema.optional() }).strict(),
    result: snapshotSchema,
  },
  /** Specs known from the history, newest result first. */
  'spec.list': { params: noParams, result: z.object({ specs: z.array(versionSummarySchema) }) },
  /** The document to edit: the last committed version, else what the spec owns on the host now. */
  'spec.load': {
    params: z.object({ name: specNameSchema, target: targetSchema.optional() }).strict(),
    result: z.object({ document: z.unknown(), source: z.enum(['history', 'host']), version: z.number().int().optional() }),
  },
  /** Validates (schema and host) and plans. Invalid input is not an error here: the issues come back for the form. */
  'spec.plan': {
    params: z.object({ document: z.unknown(), target: targetSchema.optional() }).strict(),
    result: z.object({ plan: planSchema.nullable(), issues: z.array(specIssueSchema) }),
  },
  /** Plans again and applies through the helper; progress arrives as `apply.progress` events. */
  'apply.start': {
    params: z.object({ document: z.unknown(), target: targetSchema.optional(), trialSeconds: z.number().int().min(1).max(3600).optional() }).strict(),
    /** The plan that runs: it was made again against the host at this moment. */
    result: z.object({ applyId: z.string(), steps: z.number().int(), plan: planSchema }),
  },
  'apply.confirm': { params: z.object({ applyId: z.string() }).strict(), result: z.object({ ok: z.boolean() }) },
  'apply.rollback': { params: z.object({ applyId: z.string() }).strict(), result: z.object({ ok: z.boolean() }) },
  'history.list': { params: z.object({ spec: specNameSchema.optional() }).strict(), result: z.object({ versions: z.array(versionSummarySchema) }) },
  'history.get': {
    params: z.object({ spec: specNameSchema, version: z.number().int().positive() }).strict(),
    result: z.object({ summary: versionSummarySchema, document: z.unknown(), plan: planSchema }),
  },
  /** The series a target has (interfaces, vNICs, VMs, port groups, switches) and how it is sampled. */
  'stats.series': { params: stats.statsSeriesParamsSchema, result: stats.statsSeriesResultSchema },
  'stats.history': { params: stats.statsHistoryParamsSchema, result: stats.statsHistoryResultSchema },
  /** Live samples of the chosen series only, at the rate the view needs; renewed by calling again (a lease). */
  'stats.subscribe': { params: stats.statsSubscribeParamsSchema, result: stats.statsSubscribeResultSchema },
  'stats.unsubscribe': { params: stats.statsUnsubscribeParamsSchema, result: stats.okResultSchema },
  'alerts.list': { params: stats.alertsListParamsSchema, result: stats.alertsListResultSchema },
  'alerts.getRules': { params: noParams, result: stats.alertRulesResultSchema },
  'alerts.setRules': { params: stats.alertsSetRulesParamsSchema, result: stats.alertRulesResultSchema },
  'capture.start': { params: capture.captureStartParamsSchema, result: capture.captureStartResultSchema },
  'capture.stop': { params: capture.captureIdParamsSchema, result: capture.captureStopResultSchema },
  'capture.list': { params: noParams, result: capture.captureListResultSchema },
  'capture.delete': { params: capture.captureIdParamsSchema, result: capture.captureDeleteResultSchema },
  'capture.open': { params: capture.captureIdParamsSchema, result: capture.captureOpenResultSchema },
  /** Live DHCP leases of NovaNet's dnsmasq instances and of libvirt networks, for the Networks view. */
  'vmnet.leases': { params: vmnet.vmnetLeasesParamsSchema, result: vmnet.vmnetLeasesResultSchema },
} as const satisfies Record<MethodName, { params: z.ZodType; result: z.ZodType }>;

export const events = {
  /** The host changed (ip monitor, OVSDB, libvirt); the renderer refetches the snapshot. */
  'topology.changed': z.object({ at: z.string(), reasons: z.array(z.string()) }),
  'apply.progress': applyProgressSchema,
  'stats.sample': stats.statsSampleEventSchema,
  'alerts.changed': stats.alertsChangedSchema,
  'capture.progress': capture.captureProgressSchema,
  'capture.packets': capture.capturePacketsSchema,
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
