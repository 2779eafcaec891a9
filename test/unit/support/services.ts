/** A hand-made Services object: handlers that never touch the host, and an event source tests can fire. */
import { vi } from 'vitest';
import type { AppInfo, EventName, EventPayload, EventSource, Handlers, Snapshot } from '../../../shared/ipc/contract';
import type { Services } from '../../../electron/services/api';
import { NotFoundError } from '../../../shared/ipc/errors';
import { createSpecHandlers } from '../../../electron/services/spec-api';
import { createStatsHandlers } from '../../../electron/services/stats/api';
import { createCaptureHandlers } from '../../../electron/services/capture/api';
import { createVmnetHandlers } from '../../../electron/services/vmnet-leases';

export const INFO: AppInfo = {
  name: 'NovaNet',
  version: '0.0.0-test',
  transport: 'web',
  defaultTarget: { netns: 'nnlab' },
  targetLabel: 'lab nnlab',
  lab: true,
  privileged: false,
};

export class TestEvents implements EventSource {
  private listeners = new Map<EventName, Set<(p: never) => void>>();
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const l = listener as (p: never) => void;
    set.add(l);
    return () => set.delete(l);
  }
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners.get(event) ?? []) l(payload as never);
  }
  count(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}

/** The real handlers of every method but the two these tests fake; none of them runs unless called. */
export function otherHandlers() {
  return {
    ...createSpecHandlers({}, () => undefined),
    ...createStatsHandlers({}, () => undefined, { autoStart: false }).handlers,
    ...createCaptureHandlers({}, { progress: () => undefined, packets: () => undefined }).handlers,
    ...createVmnetHandlers({}),
  };
}

export function testServices() {
  const handlers = {
    'app.info': vi.fn(async () => INFO),
    'topology.snapshot': vi.fn(async ({ target }: { target?: { netns?: string } }): Promise<Snapshot> => {
      throw new NotFoundError(`network namespace "${target?.netns ?? ''}" does not exist`);
    }),
    // Real handlers; these tests never call them.
    ...otherHandlers(),
  } satisfies Handlers;
  const events = new TestEvents();
  const close = vi.fn();
  const services: Services = { handlers, events, close };
  return { services, handlers, events, close };
}

export const CHANGED: EventPayload<'topology.changed'> = { at: '2025-01-01T00:00:00.000Z', reasons: ['links'] };
