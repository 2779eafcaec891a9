/**
 * What the preload exposes as `window.novanet`: two functions over an allowlist of channels built from the
 * contract. Never `ipcRenderer` itself, never Electron's event objects.
 */
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import type { RawBridge } from '../../shared/ipc/contract';
import { IPC_CHANNELS, isEventName, isMethodName } from '../../shared/ipc/names';


type Ipc = Pick<IpcRenderer, 'invoke' | 'send' | 'on' | 'removeListener'>;

export function createPreloadBridge(ipc: Ipc): RawBridge {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  ipc.on(IPC_CHANNELS.event, (_e: IpcRendererEvent, event: unknown, payload: unknown) => {
    if (typeof event !== 'string') return;
    for (const l of listeners.get(event) ?? []) {
      try {
        l(payload);
      } catch (err) {
        console.error(err);
      }
    }
  });
  return Object.freeze({
    invoke(method: string, params: unknown) {
      if (!isMethodName(method)) {
        return Promise.resolve({ error: { name: 'ValidationError', message: `method: unknown method ${JSON.stringify(method)}` } });
      }
      return ipc.invoke(IPC_CHANNELS.call, method, params);
    },
    on(event: string, listener: (payload: unknown) => void) {
      if (!isEventName(event) || typeof listener !== 'function') throw new Error(`event: unknown event ${String(event)}`);
      let set = listeners.get(event);
      if (!set) {
        listeners.set(event, (set = new Set()));
        ipc.send(IPC_CHANNELS.sub, event);
      }
      set.add(listener);
      return () => {
        if (!set.delete(listener)) return; // already unsubscribed: must not end a newer subscription
        if (set.size === 0) {
          listeners.delete(event);
          ipc.send(IPC_CHANNELS.unsub, event);
        }
      };
    },
  });
}
