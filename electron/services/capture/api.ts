/**
 * The capture methods and events of the IPC contract (typed by hand until their contract lines land; the
 * schemas are in shared/model/capture.ts). Params are validated again here, so these handlers are safe to call
 * from anywhere, not only through the contract's dispatcher.
 */
import type { z } from 'zod';
import {
  captureIdParamsSchema,
  captureStartParamsSchema,
  type CaptureInfo,
  type CapturePackets,
  type CaptureProgress,
  type CaptureStartParams,
} from '../../../shared/model/capture';
import { validationErrorFrom } from '../../../shared/ipc/errors';
import type { HostState } from '../../../shared/model/host-state';
import type { Target } from '../../../shared/model/target';
import { discover } from '../discovery/index';
import { CaptureManager } from './manager';
import { openCapture, type Opened } from './open';
import { resolveNode } from './resolve';

/** Where the `capture.progress` and `capture.packets` events go: one callback each, so wiring needs no casts. */
export interface CaptureEmit {
  progress: (p: CaptureProgress) => void;
  packets: (p: CapturePackets) => void;
}

export interface CaptureHandlers {
  'capture.start': (params: CaptureStartParams) => Promise<{ id: string }>;
  'capture.stop': (params: { id: string }) => Promise<{ capture: CaptureInfo }>;
  'capture.list': (params: Record<string, never>) => Promise<{ captures: CaptureInfo[] }>;
  'capture.delete': (params: { id: string }) => Promise<{ deleted: string[] }>;
  'capture.open': (params: { id: string }) => Promise<Opened>;
}

function parse<T extends z.ZodType>(schema: T, params: unknown): z.output<T> {
  const r = schema.safeParse(params);
  if (!r.success) throw validationErrorFrom(r.error, 'params');
  return r.data;
}

export interface CaptureService {
  handlers: CaptureHandlers;
  manager: CaptureManager;
  /** Stops this process's captures, finishing their files (the app quitting). */
  close(): Promise<void>;
}

export function createCaptureHandlers(
  defaultTarget: Target,
  emit: CaptureEmit,
  deps: { discover?: (t: Target) => Promise<HostState> } = {},
): CaptureService {
  const manager = new CaptureManager({
    owner: 'app',
    listeners: { progress: (p) => emit.progress(p), packets: (p) => emit.packets(p) },
  });
  const look = deps.discover ?? discover;

  const handlers: CaptureHandlers = {
    'capture.start': async (raw) => {
      const p = parse(captureStartParamsSchema, raw);
      const target = p.target ?? defaultTarget;
      let netns = target.netns;
      let iface = p.interface as string;
      if (p.nodeId !== undefined) {
        const dev = resolveNode(await look(target), p.nodeId);
        iface = dev.interface;
        netns = dev.netns ?? netns;
      }
      const session = await manager.start({
        target: netns ? { netns } : {},
        interface: iface,
        ...(p.nodeId !== undefined ? { nodeId: p.nodeId } : {}),
        ...(p.filter !== undefined ? { filter: p.filter } : {}),
        ...(p.snaplen !== undefined ? { snaplen: p.snaplen } : {}),
        ...(p.count !== undefined ? { count: p.count } : {}),
        ...(p.durationSeconds !== undefined ? { durationSeconds: p.durationSeconds } : {}),
        ...(p.rotateSizeMb !== undefined ? { rotateSizeMb: p.rotateSizeMb } : {}),
        ...(p.rotateCount !== undefined ? { rotateCount: p.rotateCount } : {}),
        ...(p.output !== undefined ? { output: p.output } : {}),
      });
      return { id: session.id };
    },
    'capture.stop': async (raw) => ({ capture: await manager.stop(parse(captureIdParamsSchema, raw).id) }),
    'capture.list': async () => ({ captures: manager.list() }),
    'capture.delete': async (raw) => ({ deleted: manager.delete(parse(captureIdParamsSchema, raw).id) }),
    'capture.open': async (raw) => openCapture(manager.get(parse(captureIdParamsSchema, raw).id)),
  };
  return { handlers, manager, close: () => manager.stopAll() };
}
