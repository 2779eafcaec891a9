/** Binds the IPC contract to ipcMain: every call and subscription checks the sender frame first. */
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { dispatch } from '../../shared/ipc/dispatch';
import { isEventName, type EventName } from '../../shared/ipc/contract';
import { IPC_CHANNELS } from '../../shared/ipc/wire';
import { PermissionError, toEnvelope } from '../../shared/ipc/errors';
import type { Services } from '../services/api';
import { isTrustedSender } from './security';

type Ipc = Pick<IpcMain, 'handle' | 'on' | 'removeHandler' | 'removeAllListeners'>;

export function bindIpc(ipc: Ipc, services: Services, appUrl: () => string): () => void {
  const trusted = (e: IpcMainEvent | IpcMainInvokeEvent) => isTrustedSender(e.senderFrame, appUrl());
  const subs = new Map<number, Map<EventName, () => void>>();

  ipc.handle(IPC_CHANNELS.call, async (e, method: unknown, params: unknown) => {
    if (!trusted(e)) return toEnvelope(new PermissionError('IPC from an untrusted frame'));
    return dispatch(services.handlers, method, params);
  });
  ipc.on(IPC_CHANNELS.sub, (e, event: unknown) => {
    if (!trusted(e) || !isEventName(event)) return;
    const sender = e.sender;
    let mine = subs.get(sender.id);
    if (!mine) {
      subs.set(sender.id, (mine = new Map()));
      sender.once('destroyed', () => {
        for (const off of subs.get(sender.id)?.values() ?? []) off();
        subs.delete(sender.id);
      });
    }
    if (mine.has(event)) return;
    mine.set(
      event,
      services.events.subscribe(event, (payload) => {
        if (!sender.isDestroyed()) sender.send(IPC_CHANNELS.event, event, payload);
      }),
    );
  });
  ipc.on(IPC_CHANNELS.unsub, (e, event: unknown) => {
    if (!trusted(e) || !isEventName(event)) return;
    const mine = subs.get(e.sender.id);
    mine?.get(event)?.();
    mine?.delete(event);
  });
  return () => {
    ipc.removeHandler(IPC_CHANNELS.call);
    ipc.removeAllListeners(IPC_CHANNELS.sub);
    ipc.removeAllListeners(IPC_CHANNELS.unsub);
    for (const m of subs.values()) for (const off of m.values()) off();
    subs.clear();
  };
}
