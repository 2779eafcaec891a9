/**
 * IPC handlers for statistics and alerts (to be registered in shared/ipc/contract.ts; see the method list below).
 *
 *   stats.series      { target? }                                  -> { series, method, intervalS }
 *   stats.history     { target?, keys, range, maxPoints? }         -> StatsHistory
 *   stats.subscribe   { target?, subscriptionId?, keys?, kinds?, top?, intervalS } -> { subscriptionId, intervalS, leaseS }
 *   stats.unsubscribe { subscriptionId }                           -> { ok }
 *   alerts.list       { target? }                                  -> { active, recent }
 *   alerts.getRules   {}                                           -> { rules }
 *   alerts.setRules   { rules }                                    -> { rules }
 *   events: stats.sample (StatsSampleEvent, per subscription), alerts.changed (AlertsChanged)
 *
 * One monitor per namespace, started on first use (a call, or a listener of either event), so an idle app or a
 * test that never asks costs nothing. The default target's monitor then keeps running (history, alerts); other
 * targets' monitors stop after IDLE_MS without subscriptions or calls.
 */
import type { z } from 'zod';
import { NotFoundError, validationErrorFrom } from '../../../shared/ipc/errors';
import type { Target } from '../../../shared/model/target';
import {
  alertsListParamsSchema,
  alertsSetRulesParamsSchema,
  statsHistoryParamsSchema,
  statsSeriesParamsSchema,
  statsSubscribeParamsSchema,
  statsUnsubscribeParamsSchema,
  type Alert,
  type AlertEvent,
  type AlertRule,
  type AlertsChanged,
  type SeriesInfo,
  type StatsHistory,
  type StatsSampleEvent,
} from '../../../shared/model/stats';
import { TargetMonitor, type MonitorOptions } from './monitor';
import { historyPath, loadAlertRules, saveAlertRules } from './store';

export const IDLE_MS = 10 * 60_000;

export interface StatsEvents {
  'stats.sample': StatsSampleEvent;
  'alerts.changed': AlertsChanged;
}
export type StatsEmit = <E extends keyof StatsEvents>(event: E, payload: StatsEvents[E]) => void;

export interface StatsHandlers {
  'stats.series': (
    p: z.input<typeof statsSeriesParamsSchema>,
  ) => Promise<{ series: SeriesInfo[]; method: 'proc' | 'ip'; intervalS: number }>;
  'stats.history': (p: z.input<typeof statsHistoryParamsSchema>) => Promise<StatsHistory>;
  'stats.subscribe': (
    p: z.input<typeof statsSubscribeParamsSchema>,
  ) => Promise<{ subscriptionId: string; intervalS: number; leaseS: number }>;
  'stats.unsubscribe': (p: z.input<typeof statsUnsubscribeParamsSchema>) => Promise<{ ok: boolean }>;
  'alerts.list': (p: z.input<typeof alertsListParamsSchema>) => Promise<{ active: Alert[]; recent: AlertEvent[] }>;
  'alerts.getRules': (p: Record<string, never>) => Promise<{ rules: AlertRule[] }>;
  'alerts.setRules': (p: z.input<typeof alertsSetRulesParamsSchema>) => Promise<{ rules: AlertRule[] }>;
}

export interface StatsApi {
  handlers: StatsHandlers;
  /** Tell it how many listeners an event has (from the EventSource): the default monitor starts with the first. */
  listenersChanged(event: string, count: number): void;
  close(): Promise<void>;
}

export interface StatsApiOptions extends Partial<Omit<MonitorOptions, 'rules' | 'onAlerts' | 'onSample'>> {
  /** Directory for history files and alert rules (default: the user's config dir). */
  dir?: string;
  autoStart?: boolean;
}

function parse<S extends z.ZodType>(schema: S, params: unknown, root: string): z.output<S> {
  const r = schema.safeParse(params ?? {});
  if (!r.success) throw validationErrorFrom(r.error, root);
  return r.data;
}

export function createStatsHandlers(defaultTarget: Target, emit: StatsEmit, opts: StatsApiOptions = {}): StatsApi {
  const monitors = new Map<string, { monitor: Promise<TargetMonitor>; lastUse: number }>();
  const subOwner = new Map<string, string>();
  const rulesPath = opts.dir ? `${opts.dir}/alert-rules.json` : undefined;
  let rules: AlertRule[] = loadAlertRules(rulesPath);
  let closed = false;
  const nsKey = (t: Target) => t.netns ?? '';
  const defaultKey = nsKey(defaultTarget);
  const reported = new Set<string>();

  const report = (err: unknown) => {
    const msg = err instanceof Error ? err.message : String(err);
    if (reported.has(msg)) return;
    reported.add(msg);
    console.error(`novanet stats: ${msg}`);
  };

  function monitorFor(target: Target | undefined): Promise<TargetMonitor> {
    if (closed) return Promise.reject(new Error('statistics are closed'));
    const t = target ?? defaultTarget;
    const key = nsKey(t);
    const hit = monitors.get(key);
    if (hit) {
      hit.lastUse = Date.now();
      return hit.monitor;
    }
    const full = key === defaultKey ? { ...defaultTarget, ...t } : t;
    const m = new TargetMonitor(full, {
      ...opts,
      storePath: opts.storePath === null ? null : historyPath(full, opts.dir),
      rules,
      onAlerts: (events, active) =>
        emit('alerts.changed', { at: new Date().toISOString(), target: full, events, active }),
      onSample: (e) => emit('stats.sample', e),
      onError: (err) => {
        if (err instanceof NotFoundError) void drop(key);
        report(err);
      },
    });
    const started = m.start().then(
      () => m,
      async (err: unknown) => {
        monitors.delete(key);
        await m.close().catch(() => undefined);
        throw err;
      },
    );
    monitors.set(key, { monitor: started, lastUse: Date.now() });
    return started;
  }

  async function drop(key: string): Promise<void> {
    const hit = monitors.get(key);
    if (!hit) return;
    monitors.delete(key);
    for (const [id, owner] of subOwner) if (owner === key) subOwner.delete(id);
    await (await hit.monitor.catch(() => undefined))?.close();
  }

  const idle = setInterval(() => {
    for (const [key, hit] of monitors) {
      if (key === defaultKey || Date.now() - hit.lastUse < IDLE_MS) continue;
      void hit.monitor.then((m) => (m.subscriptionCount === 0 ? drop(key) : undefined)).catch(() => undefined);
    }
  }, 60_000);
  idle.unref();

  if (opts.autoStart) monitorFor(undefined).catch(report);

  const handlers: StatsHandlers = {
    'stats.series': async (p) => {
      const { target } = parse(statsSeriesParamsSchema, p, 'params');
      const m = await monitorFor(target);
      return { series: m.series(), method: m.method ?? 'proc', intervalS: (opts.intervalMs ?? 1000) / 1000 };
    },
    'stats.history': async (p) => {
      const q = parse(statsHistoryParamsSchema, p, 'params');
      const m = await monitorFor(q.target);
      return m.readHistory(q.keys, q.range, q.maxPoints);
    },
    'stats.subscribe': async (p) => {
      const q = parse(statsSubscribeParamsSchema, p, 'params');
      const key = nsKey(q.target ?? defaultTarget);
      if (q.subscriptionId && subOwner.has(q.subscriptionId) && subOwner.get(q.subscriptionId) !== key) {
        throw new NotFoundError(`subscription ${q.subscriptionId} belongs to another target`);
      }
      const m = await monitorFor(q.target);
      const res = m.subscribe(q);
      subOwner.set(res.subscriptionId, key);
      return res;
    },
    'stats.unsubscribe': async (p) => {
      const { subscriptionId } = parse(statsUnsubscribeParamsSchema, p, 'params');
      const key = subOwner.get(subscriptionId);
      subOwner.delete(subscriptionId);
      const hit = key === undefined ? undefined : monitors.get(key);
      return { ok: hit ? (await hit.monitor).unsubscribe(subscriptionId) : false };
    },
    'alerts.list': async (p) => {
      const { target } = parse(alertsListParamsSchema, p, 'params');
      const m = await monitorFor(target);
      return { active: m.alerts.active(), recent: m.alerts.recent() };
    },
    'alerts.getRules': async () => ({ rules }),
    'alerts.setRules': async (p) => {
      const q = parse(alertsSetRulesParamsSchema, p, 'params');
      saveAlertRules(q.rules, rulesPath);
      rules = q.rules;
      for (const hit of monitors.values())
        void hit.monitor.then((m) => m.alerts.setRules(rules)).catch(() => undefined);
      return { rules };
    },
  };

  return {
    handlers,
    listenersChanged(event, count) {
      if ((event === 'stats.sample' || event === 'alerts.changed') && count > 0) monitorFor(undefined).catch(report);
      // Nobody left to deliver samples to: subscriptions (leases of closed views) end now rather than in a minute.
      if (event === 'stats.sample' && count === 0) {
        for (const hit of monitors.values()) void hit.monitor.then((m) => m.unsubscribeAll()).catch(() => undefined);
        subOwner.clear();
      }
    },
    async close() {
      closed = true;
      clearInterval(idle);
      await Promise.all([...monitors.keys()].map((k) => drop(k)));
    },
  };
}
