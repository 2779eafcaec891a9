import { afterEach, describe, expect, it } from 'vitest';
import { startApp, targetFromArgv } from '../../../electron/main/app';
import { IPC_CHANNELS } from '../../../shared/ipc/names';
import { fakeElectron, type FakeElectron, type FakeWebContents } from './fake-electron';

const BASE = '/opt/novanet/out/main';
const INDEX = '/opt/novanet/out/renderer/index.html';
const APP_URL = `file://${INDEX}`;
const top = { url: APP_URL, parent: null };

let running: FakeElectron[] = [];
afterEach(() => {
  // Whatever the app started (the change watcher, if anything subscribed) ends with will-quit.
  for (const e of running) e.app.emit('will-quit');
  running = [];
});

function start(argv: string[] = ['electron', '.']): FakeElectron {
  const e = fakeElectron();
  running.push(e);
  startApp(e.api, BASE, argv);
  return e;
}

describe('startApp before ready', () => {
  it('registers its app listeners and creates nothing yet', () => {
    const e = start();
    for (const ev of ['web-contents-created', 'window-all-closed', 'will-quit', 'second-instance']) expect(e.app.listenerCount(ev), ev).toBe(1);
    expect(e.windows).toEqual([]);
    expect(e.ipcMain.handlers.size).toBe(0);
    expect(e.session.permissionRequestHandler).toBeUndefined();
  });

  it('quits at once when another instance holds the lock', async () => {
    const e = fakeElectron();
    e.app.singleInstance = false;
    startApp(e.api, BASE, ['electron', '.']);
    expect(e.app.quitCalls).toBe(1);
    await e.app.becomeReady();
    expect(e.windows).toEqual([]);
    expect(e.ipcMain.handlers.size).toBe(0);
  });

  it('refuses a bad target on the command line before touching Electron', () => {
    const e = fakeElectron();
    expect(() => startApp(e.api, BASE, ['electron', '.', '--netns', '-x'])).toThrow();
    expect(e.app.listenerCount('web-contents-created')).toBe(0);
    expect(e.app.quitCalls).toBe(0);
  });
});

describe('startApp when ready', () => {
  it('opens one hardened window on the built renderer with the preload', async () => {
    const e = start();
    await e.app.becomeReady();
    expect(e.windows).toHaveLength(1);
    const win = e.windows[0]!;
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false });
    expect(win.options.webPreferences?.preload).toBe('/opt/novanet/out/preload/index.cjs');
    expect(String(win.options.webPreferences?.preload)).toMatch(/preload\/index\.cjs$/);
    expect(win.loaded).toEqual([INDEX]);
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });

  it('hardens the default session: permissions denied, CSP injected', async () => {
    const e = start();
    await e.app.becomeReady();
    await expect(e.session.requestPermission('media')).resolves.toBe(false);
    const headers = await e.session.receiveHeaders(APP_URL, {});
    expect(headers?.['Content-Security-Policy']?.[0]).toContain("script-src 'self'");
  });

  it('hardens every web contents Electron creates', async () => {
    const e = start();
    await e.app.becomeReady();
    const wc = e.windows[0]!.webContents;
    e.app.emit('web-contents-created', {}, wc);
    expect(wc.windowOpen('https://example.com/')).toEqual({ action: 'deny' });
    expect(wc.windowOpen('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(e.shell.opened).toEqual(['https://example.com/']);
    expect(wc.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(wc.navigate('will-navigate', APP_URL)).toBe(false);
    expect(wc.attachWebview()).toBe(true);
  });

  it('answers app.info from the window and refuses other frames', async () => {
    const e = start(['electron', '.', '--netns', 'nnlab', '--ovs-db', 'unix:/run/novanet/lab/nnlab/ovs/db.sock']);
    await e.app.becomeReady();
    const wc: FakeWebContents = e.windows[0]!.webContents;
    const out = await e.ipcMain.invoke(wc, top, IPC_CHANNELS.call, 'app.info', {});
    expect(out).toMatchObject({
      result: {
        name: 'NovaNet',
        transport: 'electron',
        lab: false,
        defaultTarget: { netns: 'nnlab', ovsDb: 'unix:/run/novanet/lab/nnlab/ovs/db.sock' },
        targetLabel: 'netns nnlab, ovs unix:/run/novanet/lab/nnlab/ovs/db.sock',
      },
    });
    const denied = await e.ipcMain.invoke(wc, { url: 'https://evil.example/', parent: null }, IPC_CHANNELS.call, 'app.info', {});
    expect(denied).toMatchObject({ error: { name: 'PermissionError' } });
  });

  it('quits when the last window closes', async () => {
    const e = start();
    await e.app.becomeReady();
    e.app.emit('window-all-closed');
    expect(e.app.quitCalls).toBe(1);
  });

  it('brings the window back when a second instance starts', async () => {
    const e = start();
    await e.app.becomeReady();
    const win = e.windows[0]!;
    win.minimized = true;
    e.app.emit('second-instance', {}, ['novanet'], '/');
    expect(win.restored).toBe(1);
    expect(win.focused).toBe(1);
    e.app.emit('second-instance', {}, ['novanet'], '/');
    expect(win.restored).toBe(1);
    expect(win.focused).toBe(2);
  });
});

describe('targetFromArgv', () => {
  it('reads the same target flags as the CLI, ignoring the rest', () => {
    expect(targetFromArgv(['/usr/lib/novanet/novanet', '--no-sandbox'])).toEqual({});
    expect(targetFromArgv(['x', '--netns', 'nnlab', '--libvirt', 'qemu:///session', '--ovs-db', 'unix:/tmp/db.sock'])).toEqual({
      netns: 'nnlab',
      libvirtUri: 'qemu:///session',
      ovsDb: 'unix:/tmp/db.sock',
    });
  });

  it.each([
    [['--netns', '-x']],
    [['--netns', 'a/b']],
    [['--ovs-db', 'db.sock']],
    [['--libvirt', 'not a uri']],
  ])('refuses %j', (args) => {
    expect(() => targetFromArgv(['x', ...args])).toThrow();
  });
});
