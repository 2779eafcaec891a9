/**
 * The channel allowlist, free of zod so the sandboxed preload stays small. contract.ts checks at compile time
 * that these lists and its maps name exactly the same methods and events.
 */
export const METHOD_NAMES = [
  'app.info',
  'topology.snapshot',
  'spec.list',
  'spec.load',
  'spec.plan',
  'apply.start',
  'apply.confirm',
  'apply.rollback',
  'history.list',
  'history.get',
  'stats.series',
  'stats.history',
  'stats.subscribe',
  'stats.unsubscribe',
  'alerts.list',
  'alerts.getRules',
  'alerts.setRules',
  'capture.start',
  'capture.stop',
  'capture.list',
  'capture.delete',
  'capture.open',
  'vmnet.leases',
] as const;
export const EVENT_NAMES = ['topology.changed', 'apply.progress', 'stats.sample', 'alerts.changed', 'capture.progress', 'capture.packets'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

export function isMethodName(v: unknown): v is MethodName {
  return typeof v === 'string' && (METHOD_NAMES as readonly string[]).includes(v);
}
export function isEventName(v: unknown): v is EventName {
  return typeof v === 'string' && (EVENT_NAMES as readonly string[]).includes(v);
}

/** Electron channel names: calls, subscribe, unsubscribe, pushed events. */
export const IPC_CHANNELS = { call: 'novanet:call', sub: 'novanet:sub', unsub: 'novanet:unsub', event: 'novanet:event' } as const;
