import { beforeEach, describe, expect, it } from 'vitest';
import { bindIpc } from '../../../electron/main/ipc';
import { IPC_CHANNELS } from '../../../shared/ipc/names';
import { FakeIpcMain, FakeWebContents, type FakeFrame } from './fake-electron';
import { CHANGED, INFO, testServices } from '../support/services';

const APP_URL = 'file:///opt/novanet/out/renderer/index.html';
const top: FakeFrame = { url: APP_URL, parent: null };
const untrustedFrames: [string, FakeFrame | null][] = [
  ['another page', { url: 'https://evil.example/', parent: null }],
  ['another file', { url: 'file:///tmp/evil.html', parent: null }],
  ['a subframe of the app page', { url: APP_URL, parent: top }],
  ['a destroyed frame', null],
];

let ipc: FakeIpcMain;
let t: ReturnType<typeof testServices>;
let dispose: () => void;

beforeEach(() => {
  ipc = new FakeIpcMain();
  t = testServices();
  dispose = bindIpc(ipc as unknown as Parameters<typeof bindIpc>[0], t.services, () => APP_URL);
});

const events = (wc: FakeWebContents) => wc.sent.filter((m) => m.channel === IPC_CHANNELS.event).map((m) => m.args);

describe('bindIpc: calls', () => {
  it('registers one handler for calls and listeners for (un)subscribe', () => {
    expect([...ipc.handlers.keys()]).toEqual([IPC_CHANNELS.call]);
    expect(ipc.listenerCount(IPC_CHANNELS.sub)).toBe(1);
    expect(ipc.listenerCount(IPC_CHANNELS.unsub)).toBe(1);
  });

  it('dispatches trusted calls to the handlers', async () => {
    await expect(ipc.invoke(new FakeWebContents(), top, IPC_CHANNELS.call, 'app.info', {})).resolves.toEqual({ result: INFO });
    expect(t.handlers['app.info']).toHaveBeenCalledTimes(1);
  });

  it('validates params before the handler and names the field', async () => {
    const out = await ipc.invoke(new FakeWebContents(), top, IPC_CHANNELS.call, 'topology.snapshot', { target: { netns: '-x' } });
    expect(out).toMatchObject({ error: { name: 'ValidationError', message: expect.stringContaining('params.target.netns') } });
    expect(t.handlers['topology.snapshot']).not.toHaveBeenCalled();
  });

  it('returns handler failures as envelopes', async () => {
    const out = await ipc.invoke(new FakeWebContents(), top, IPC_CHANNELS.call, 'topology.snapshot', { target: { netns: 'gone' } });
    expect(out).toEqual({ error: { name: 'NotFoundError', message: 'network namespace "gone" does not exist' } });
  });

  it('refuses unknown methods', async () => {
    const out = await ipc.invoke(new FakeWebContents(), top, IPC_CHANNELS.call, 'lab.up', {});
    expect(out).toMatchObject({ error: { name: 'ValidationError' } });
  });

  it.each(untrustedFrames)('answers a call from %s with a PermissionError and never reaches a handler', async (_what, frame) => {
    const out = await ipc.invoke(new FakeWebContents(), frame, IPC_CHANNELS.call, 'app.info', {});
    expect(out).toEqual({ error: { name: 'PermissionError', message: 'IPC from an untrusted frame', details: undefined } });
    expect(t.handlers['app.info']).not.toHaveBeenCalled();
  });

  it('checks the frame against the app URL at call time', async () => {
    let url = APP_URL;
    const ipc2 = new FakeIpcMain();
    bindIpc(ipc2 as unknown as Parameters<typeof bindIpc>[0], t.services, () => url);
    url = 'file:///opt/novanet/out/renderer/moved.html';
    await expect(ipc2.invoke(new FakeWebContents(), top, IPC_CHANNELS.call, 'app.info', {})).resolves.toMatchObject({ error: { name: 'PermissionError' } });
  });
});

describe('bindIpc: events', () => {
  it('sends events only to subscribed senders, as (event, payload)', () => {
    const a = new FakeWebContents();
    const b = new FakeWebContents();
    ipc.sendFrom(a, top, IPC_CHANNELS.sub, 'topology.changed');
    t.events.emit('topology.changed', CHANGED);
    expect(events(a)).toEqual([['topology.changed', CHANGED]]);
    expect(b.sent).toEqual([]);
  });

  it('subscribes a sender once however often it asks', () => {
    const a = new FakeWebContents();
    ipc.sendFrom(a, top, IPC_CHANNELS.sub, 'topology.changed');
    ipc.sendFrom(a, top, IPC_CHANNELS.sub, 'topology.changed');
    expect(t.events.count('topology.changed')).toBe(1);
    t.events.emit('topology.changed', CHANGED);
    expect(events(a)).toHaveLength(1);
  });

  it('stops after unsub, for that sender only', () => {
    const a = new FakeWebContents();
    const b = new FakeWebContents();
    ipc.sendFrom(a, top, IPC_CHANNELS.sub, 'topology.changed');
    ipc.sendFrom(b, top, IPC_CHANNELS.sub, 'topology.changed');
    ipc.sendFrom(a, top, IPC_CHANNELS.unsub, 'topology.changed');
    t.events.emit('topology.changed', CHANGED);
    expect(events(a)).toEqual([]);
    expect(events(b)).toEqual([['topology.changed', CHANGED]]);
    expect(t.events.count('topology.changed')).toBe(1);
  });

  it("stops when the sender is destroyed, without sending to it", () => {
    const a = new FakeWebContents();
    ipc.sendFrom(a, top, IPC_CHANNELS.sub, 'topology.changed');
    a.destroy();
    expect(t.events.count('topology.changed')).toBe(0);
    expect(() => t.events.emit('topology.changed', CHANGED)).not.toThrow();
    expect(a.sent).toEqual([]);
  });

  it('can subscribe again after unsub', () => {
    const a = new FakeWebContents();
    ipc.sendFrom(a, top, IPC_CHANNELS.sub, 'topology.changed');
    ipc.sendFrom(a, top, IPC_CHANNELS.unsub, 'topology.changed');
    ipc.sendFrom(a, top, IPC_CHANNELS.sub, 'topology.changed');
    t.events.emit('topology.changed', CHANGED);
    expect(events(a)).toHaveLength(1);
  });

  it.each(untrustedFrames)('ignores a subscription from %s', (_what, frame) => {
    const a = new FakeWebContents();
    ipc.sendFrom(a, frame, IPC_CHANNELS.sub, 'topology.changed');
    expect(t.events.count('topology.changed')).toBe(0);
    t.events.emit('topology.changed', CHANGED);
    expect(a.sent).toEqual([]);
  });

  it('ignores an unsub from an untrusted frame of a subscribed sender', () => {
    const a = new FakeWebContents();
    ipc.sendFrom(a, top, IPC_CHANNELS.sub, 'topology.changed');
    ipc.sendFrom(a, { url: APP_URL, parent: top }, IPC_CHANNELS.unsub, 'topology.changed');
    t.events.emit('topology.changed', CHANGED);
    expect(events(a)).toHaveLength(1);
  });

  it.each([['stats.nonsense'], ['__proto__'], [42], [undefined]])('ignores subscriptions to unknown event %j', (event) => {
    const a = new FakeWebContents();
    ipc.sendFrom(a, top, IPC_CHANNELS.sub, event);
    expect(t.events.count('topology.changed')).toBe(0);
    expect(a.listenerCount('destroyed')).toBe(0);
  });
});

describe('bindIpc: dispose', () => {
  it('removes the handler and listeners and ends every subscription', async () => {
    const a = new FakeWebContents();
    ipc.sendFrom(a, top, IPC_CHANNELS.sub, 'topology.changed');
    dispose();
    expect(ipc.handlers.size).toBe(0);
    expect(ipc.listenerCount(IPC_CHANNELS.sub)).toBe(0);
    expect(ipc.listenerCount(IPC_CHANNELS.unsub)).toBe(0);
    expect(t.events.count('topology.changed')).toBe(0);
    await expect(ipc.invoke(a, top, IPC_CHANNELS.call, 'app.info', {})).rejects.toThrow('No handler registered');
    // Binding again works (Electron refuses a second handler while the first is registered).
    expect(() => bindIpc(ipc as unknown as Parameters<typeof bindIpc>[0], t.services, () => APP_URL)).not.toThrow();
  });
});
