/**
 * The Node-side implementation of the IPC contract, shared by Electron's main process, web mode and tests.
 */
import type { EventName, EventPayload, EventSource, Handlers } from '../../shared/ipc/contract';
import { buildGraph } from '../../shared/topology/build-graph';
import { describeTarget, type Target } from '../../shared/model/target';
import { discover } from './discovery/index';
import { hostCapabilities } from './capabilities';
import { watchTarget, type Watch } from './watch';
import { VERSION } from './version';
import { createSpecHandlers } from './spec-api';
import { createStatsHandlers } from './stats/api';
import { createCaptureHandlers } from './capture/api';
import { createVmnetHandlers } from './vmnet-leases';

export interface ServiceOptions {
  transport: 'electron' | 'web';
  defaultTarget: Target;
  lab: boolean;
  labName?: string;
}

export interface Services {
  handlers: Handlers;
  events: EventSource;
  close(): void;
}

export function createServices(opts: ServiceOptions): Services {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  let watch: Watch | undefined;

  const emit = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    for (const l of listeners.get(event) ?? []) {
      // One broken listener must not cut the others off.
      try {
        l(payload);
      } catch (err) {
        console.error(`novanet: a ${event} listener failed:`, err);
      }
    }
  };
  // Watch the host only while someone listens: an idle app costs nothing.
  const ensureWatch = () => {
    const wanted = (listeners.get('topology.changed')?.size ?? 0) > 0;
    if (wanted && !watch) {
      watch = watchTarget(opts.defaultTarget, (reasons) => emit('topology.changed', { at: new Date().toISOString(), reasons }));
    } else if (!wanted && watch) {
      watch.stop();
      watch = undefined;
    }
  };

  const statsApi = createStatsHandlers(opts.defaultTarget, (event, payload) => emit(event, payload as never));
  const captureApi = createCaptureHandlers(opts.defaultTarget, {
    progress: (p) => emit('capture.progress', p),
    packets: (p) => emit('capture.packets', p),
  });

  const handlers: Handlers = {
    'app.info': async () => ({
      name: 'NovaNet',
      version: VERSION,
      transport: opts.transport,
      defaultTarget: opts.defaultTarget,
      targetLabel: opts.lab ? `lab ${opts.labName ?? opts.defaultTarget.netns ?? ''}` : describeTarget(opts.defaultTarget),
      lab: opts.lab,
      privileged: process.getuid?.() === 0,
    }),
    'topology.snapshot': async ({ target }) => {
      const [state, capabilities] = await Promise.all([discover(target ?? opts.defaultTarget), hostCapabilities().catch(() => undefined)]);
      const full = capabilities ? { ...state, capabilities } : state;
      return { state: full, graph: buildGraph(full) };
    },
    ...createSpecHandlers(opts.defaultTarget, (p) => emit('apply.progress', p)),
    ...statsApi.handlers,
    ...captureApi.handlers,
    ...createVmnetHandlers(opts.defaultTarget),
  };

  const events: EventSource = {
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (p: unknown) => void);
      ensureWatch();
      // The default target's monitor starts with its first listener; subscriptions end with the last one.
      statsApi.listenersChanged(event, set.size);
      return () => {
        set.delete(listener as (p: unknown) => void);
        ensureWatch();
        statsApi.listenersChanged(event, set.size);
      };
    },
  };

  return {
    handlers,
    events,
    close() {
      listeners.clear();
      ensureWatch();
      // Saves the history and ends the sampler's process; captures finish their files.
      void statsApi.close();
      void captureApi.close();
    },
  };
}
