import { describe, expect, it, vi } from 'vitest';
import { createPreloadBridge } from '../../../electron/preload/bridge';
import { bindIpc } from '../../../electron/main/ipc';
import { typedApi } from '../../../shared/ipc/dispatch';
import { IPC_CHANNELS } from '../../../shared/ipc/names';
import { PermissionError, ValidationError } from '../../../shared/ipc/errors';
import { FakeIpcMain, FakeIpcRenderer, FakeWebContents, type FakeFrame } from '../main/fake-electron';
import { CHANGED, INFO, testServices } from '../support/services';

type Ipc = Parameters<typeof createPreloadBridge>[0];
const bridgeOn = (ipc: FakeIpcRenderer) => createPreloadBridge(ipc as unknown as Ipc);

const subs = (ipc: FakeIpcRenderer) => ipc.sentMessages.filter((m) => m.channel === IPC_CHANNELS.sub).map((m) => m.args);
const unsubs = (ipc: FakeIpcRenderer) => ipc.sentMessages.filter((m) => m.channel === IPC_CHANNELS.unsub).map((m) => m.args);

describe('preload bridge surface', () => {
  it('exposes exactly invoke and on, frozen, and not ipcRenderer', () => {
    const ipc = new FakeIpcRenderer();
    const bridge = bridgeOn(ipc);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true);
    expect(Object.values(bridge)).not.toContain(ipc);
    expect(() => Object.assign(bridge, { send: () => undefined })).toThrow(TypeError);
  });

  it('listens on the event channel only', () => {
    const ipc = new FakeIpcRenderer();
    bridgeOn(ipc);
    expect(ipc.listenerCount(IPC_CHANNELS.event)).toBe(1);
    expect(ipc.invoked).toEqual([]);
    expect(ipc.sentMessages).toEqual([]);
  });
});

describe('preload bridge: invoke', () => {
  it('forwards known methods on the call channel and hands back the answer', async () => {
    const ipc = new FakeIpcRenderer(async () => ({ result: INFO }));
    await expect(bridgeOn(ipc).invoke('app.info', {})).resolves.toEqual({ result: INFO });
    expect(ipc.invoked).toEqual([{ channel: IPC_CHANNELS.call, args: ['app.info', {}] }]);
  });

  it.each(['lab.up', 'toString', '__proto__', 'novanet:call', ''])('refuses unknown method %j without calling ipc', async (method) => {
    const ipc = new FakeIpcRenderer();
    const out = await bridgeOn(ipc).invoke(method, {});
    expect(out).toMatchObject({ error: { name: 'ValidationError', message: expect.stringContaining('unknown method') } });
    expect(ipc.invoked).toEqual([]);
  });
});

describe('preload bridge: on', () => {
  it('refuses unknown events and non-function listeners without calling ipc', () => {
    const ipc = new FakeIpcRenderer();
    const bridge = bridgeOn(ipc);
    expect(() => bridge.on('stats.nonsense', () => undefined)).toThrow(/unknown event/);
    expect(() => bridge.on('__proto__', () => undefined)).toThrow(/unknown event/);
    expect(() => bridge.on('topology.changed', 'alert(1)' as unknown as () => void)).toThrow();
    expect(ipc.sentMessages).toEqual([]);
  });

  it('subscribes once per event and hands listeners the payload only, never the Electron event', () => {
    const ipc = new FakeIpcRenderer();
    const bridge = bridgeOn(ipc);
    const a = vi.fn();
    const b = vi.fn();
    bridge.on('topology.changed', a);
    bridge.on('topology.changed', b);
    expect(subs(ipc)).toEqual([['topology.changed']]);
    ipc.push(IPC_CHANNELS.event, 'topology.changed', CHANGED);
    expect(a.mock.calls).toEqual([[CHANGED]]);
    expect(b.mock.calls).toEqual([[CHANGED]]);
  });

  it('delivers nothing for other event names or a malformed push', () => {
    const ipc = new FakeIpcRenderer();
    const a = vi.fn();
    bridgeOn(ipc).on('topology.changed', a);
    ipc.push(IPC_CHANNELS.event, 'stats.nonsense', { x: 1 });
    ipc.push(IPC_CHANNELS.event, { event: 'topology.changed' }, CHANGED);
    ipc.push(IPC_CHANNELS.event);
    expect(a).not.toHaveBeenCalled();
  });

  it('unsubscribes from main when the last listener goes', () => {
    const ipc = new FakeIpcRenderer();
    const bridge = bridgeOn(ipc);
    const a = vi.fn();
    const offA = bridge.on('topology.changed', a);
    const offB = bridge.on('topology.changed', () => undefined);
    offA();
    expect(unsubs(ipc)).toEqual([]);
    ipc.push(IPC_CHANNELS.event, 'topology.changed', CHANGED);
    expect(a).not.toHaveBeenCalled();
    offB();
    expect(unsubs(ipc)).toEqual([['topology.changed']]);
  });

  it('treats a second call of an old unsubscribe as a no-op, even after subscribing again', () => {
    const ipc = new FakeIpcRenderer();
    const bridge = bridgeOn(ipc);
    const off1 = bridge.on('topology.changed', () => undefined);
    off1();
    const later = vi.fn();
    bridge.on('topology.changed', later);
    off1();
    expect(unsubs(ipc)).toEqual([['topology.changed']]);
    ipc.push(IPC_CHANNELS.event, 'topology.changed', CHANGED);
    expect(later).toHaveBeenCalledWith(CHANGED);
  });
});

describe('preload bridge to main over the fake Electron IPC', () => {
  /** ipcRenderer wired to a bound ipcMain, as Electron connects them for one frame. */
  function wired(frame: FakeFrame) {
    const main = new FakeIpcMain();
    const t = testServices();
    bindIpc(main as unknown as Parameters<typeof bindIpc>[0], t.services, () => 'file:///app/index.html');
    const contents = new FakeWebContents();
    const renderer = new FakeIpcRenderer((channel, ...args) => main.invoke(contents, frame, channel, ...args));
    renderer.send = (channel: string, ...args: unknown[]) => main.sendFrom(contents, frame, channel, ...args);
    contents.send = (channel: string, ...args: unknown[]) => renderer.push(channel, ...args);
    return { api: typedApi(bridgeOn(renderer)), t };
  }

  it('gives the renderer typed results, rebuilt errors and events', async () => {
    const { api, t } = wired({ url: 'file:///app/index.html', parent: null });
    await expect(api.invoke('app.info', {})).resolves.toEqual(INFO);
    await expect(api.invoke('topology.snapshot', { target: { netns: '-x' } })).rejects.toBeInstanceOf(ValidationError);
    const got: unknown[] = [];
    const off = api.on('topology.changed', (p) => got.push(p));
    t.events.emit('topology.changed', CHANGED);
    off();
    t.events.emit('topology.changed', CHANGED);
    expect(got).toEqual([CHANGED]);
    expect(t.events.count('topology.changed')).toBe(0);
  });

  it('rejects with PermissionError when the page is not the app', async () => {
    const { api, t } = wired({ url: 'https://evil.example/', parent: null });
    await expect(api.invoke('app.info', {})).rejects.toBeInstanceOf(PermissionError);
    api.on('topology.changed', () => undefined);
    expect(t.events.count('topology.changed')).toBe(0);
  });
});
