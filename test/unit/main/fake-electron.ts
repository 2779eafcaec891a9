/**
 * A small fake of the Electron APIs electron/main and electron/preload use: enough to drive them the way
 * Electron would, and to record what they asked of it. Electron itself cannot start on this machine.
 */
import type { ElectronApi } from '../../../electron/main/app';
import type { isTrustedSender } from '../../../electron/main/security';

type Listener = (...args: never[]) => unknown;

/** Node-style listeners, as Electron's EventEmitters have them (on/once/emit). */
class Emitter {
  private listeners = new Map<string, { fn: Listener; once: boolean }[]>();
  on(event: string, fn: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), { fn, once: false }]);
    return this;
  }
  once(event: string, fn: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), { fn, once: true }]);
    return this;
  }
  removeListener(event: string, fn: Listener): this {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l.fn !== fn));
    return this;
  }
  removeAllListeners(event?: string): this {
    if (event === undefined) this.listeners.clear();
    else this.listeners.delete(event);
    return this;
  }
  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
  emit(event: string, ...args: unknown[]): boolean {
    const list = this.listeners.get(event) ?? [];
    this.listeners.set(event, list.filter((l) => !l.once));
    for (const l of list) (l.fn as (...a: unknown[]) => unknown)(...args);
    return list.length > 0;
  }
}

/** An event Electron hands to listeners that may cancel the default action. */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

let nextContentsId = 1;

export class FakeWebContents extends Emitter {
  readonly id = nextContentsId++;
  sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler?: (details: { url: string; frameName: string; features: string; disposition: string; referrer: unknown; postBody?: unknown }) => {
    action: 'allow' | 'deny';
  };
  private destroyed = false;

  setWindowOpenHandler(handler: NonNullable<FakeWebContents['windowOpenHandler']>): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** What Electron does when a window closes or a renderer goes away. */
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }

  /** Asks the window-open handler, as `window.open(url)` in the page would. */
  windowOpen(url: string): { action: 'allow' | 'deny' } {
    if (!this.windowOpenHandler) return { action: 'allow' };
    return this.windowOpenHandler({ url, frameName: '', features: '', disposition: 'new-window', referrer: { url: '', policy: 'default' } });
  }
  /** Emits a cancellable navigation event and says whether it was prevented. */
  navigate(kind: 'will-navigate' | 'will-redirect', url: string): boolean {
    const e = new FakeEvent();
    this.emit(kind, e, url, false, true);
    return e.defaultPrevented;
  }
  attachWebview(): boolean {
    const e = new FakeEvent();
    this.emit('will-attach-webview', e, { preload: '/tmp/evil.js', nodeIntegration: true }, { src: 'https://example.com' });
    return e.defaultPrevented;
  }
}

/** ipcMain with handle/on as Electron has them, plus drivers that play the renderer's side. */
export class FakeIpcMain extends Emitter {
  handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();

  handle(channel: string, fn: (event: unknown, ...args: unknown[]) => unknown): void {
    // Electron refuses a second handler for a channel.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, fn);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** ipcRenderer.invoke from `sender`'s frame `frame`. */
  async invoke(sender: FakeWebContents, frame: FakeFrame | null, channel: string, ...args: unknown[]): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h({ sender, senderFrame: frame, processId: 1, frameId: 1 }, ...args);
  }
  /** ipcRenderer.send from `sender`'s frame `frame`. */
  sendFrom(sender: FakeWebContents, frame: FakeFrame | null, channel: string, ...args: unknown[]): void {
    this.emit(channel, { sender, senderFrame: frame, processId: 1, frameId: 1, reply: () => undefined }, ...args);
  }
}

export class FakeSession {
  permissionRequestHandler?: (wc: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;
  permissionCheckHandler?: (wc: unknown, permission: string, origin: string, details: unknown) => boolean;
  headersListener?: (details: { url: string; responseHeaders?: Record<string, string[]> }, callback: (r: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void) => void;

  setPermissionRequestHandler(h: FakeSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = h;
  }
  setPermissionCheckHandler(h: FakeSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = h;
  }
  webRequest = {
    onHeadersReceived: (l: FakeSession['headersListener']) => {
      this.headersListener = l;
    },
  };

  /** Asks the permission handler as Chromium would; resolves with its answer. */
  requestPermission(permission: string, requestingUrl = 'file:///x'): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (!this.permissionRequestHandler) return reject(new Error('no permission handler: Electron would grant'));
      this.permissionRequestHandler({}, permission, resolve, { requestingUrl });
    });
  }
  /** Runs a response through the headers listener; returns the headers it would be delivered with. */
  receiveHeaders(url: string, headers: Record<string, string[]>): Promise<Record<string, string[]> | undefined> {
    return new Promise((resolve, reject) => {
      if (!this.headersListener) return reject(new Error('no onHeadersReceived listener'));
      this.headersListener({ url, responseHeaders: headers }, (r) => resolve(r.responseHeaders));
    });
  }
}

export class FakeShell {
  opened: string[] = [];
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
}

export class FakeBrowserWindow extends Emitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loaded: string[] = [];
  shown = false;
  minimized = false;
  restored = 0;
  focused = 0;

  constructor(readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> }) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  async loadFile(path: string): Promise<void> {
    this.loaded.push(path);
  }
  show(): void {
    this.shown = true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.restored++;
    this.minimized = false;
  }
  focus(): void {
    this.focused++;
  }
}

export class FakeApp extends Emitter {
  quitCalls = 0;
  singleInstance = true;
  private ready!: () => void;
  private readonly readyPromise = new Promise<void>((resolve) => (this.ready = resolve));

  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  /** Electron finished starting: `whenReady()` resolves. Waits for the app's `.then` to have run. */
  async becomeReady(): Promise<void> {
    this.ready();
    await this.readyPromise;
    await new Promise((r) => setImmediate(r));
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstance;
  }
  quit(): void {
    this.quitCalls++;
  }
}

export interface FakeElectron {
  api: ElectronApi;
  app: FakeApp;
  ipcMain: FakeIpcMain;
  session: FakeSession;
  shell: FakeShell;
  windows: FakeBrowserWindow[];
}

export function fakeElectron(): FakeElectron {
  const app = new FakeApp();
  const ipcMain = new FakeIpcMain();
  const session = new FakeSession();
  const shell = new FakeShell();
  const windows: FakeBrowserWindow[] = [];
  class BrowserWindow extends FakeBrowserWindow {
    constructor(options: FakeBrowserWindow['options']) {
      super(options);
      windows.push(this);
    }
  }
  const api = { app, ipcMain, session: { defaultSession: session }, shell, BrowserWindow } as unknown as ElectronApi;
  return { api, app, ipcMain, session, shell, windows };
}

/** ipcRenderer as the preload sees it: invoke/send go to a handler you supply; `on` listeners can be fed. */
export class FakeIpcRenderer extends Emitter {
  invoked: { channel: string; args: unknown[] }[] = [];
  sentMessages: { channel: string; args: unknown[] }[] = [];
  constructor(private readonly answer: (channel: string, ...args: unknown[]) => Promise<unknown> = async () => undefined) {
    super();
  }
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return this.answer(channel, ...args);
  }
  send(channel: string, ...args: unknown[]): void {
    this.sentMessages.push({ channel, args });
  }
  /** Main pushed a message on `channel`: Electron calls listeners with its event object first. */
  push(channel: string, ...args: unknown[]): void {
    this.emit(channel, { sender: this, senderId: 0, ports: [] }, ...args);
  }
}

/** A frame as Electron's WebFrameMain types it (the code under test reads only `url` and `parent`). */
export function asFrame(f: FakeFrame | null | undefined): Parameters<typeof isTrustedSender>[0] {
  return f as unknown as Parameters<typeof isTrustedSender>[0];
}
