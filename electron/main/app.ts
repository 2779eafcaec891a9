/** The desktop app's wiring, against an injected Electron so it can be unit-tested without Electron. */
import type * as Electron from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createServices } from '../services/api';
import { targetFromFlags, type Target } from '../../shared/model/target';
import { bindIpc } from './ipc';
import { hardenContents, hardenSession, windowOptions } from './security';

export type ElectronApi = Pick<typeof Electron, 'app' | 'BrowserWindow' | 'ipcMain' | 'session' | 'shell'>;

/** `novanet-app --netns NS --ovs-db unix:PATH --libvirt URI`: the same target flags as the CLI. */
export function targetFromArgv(argv: string[]): Target {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return targetFromFlags({ netns: get('--netns'), ovsDb: get('--ovs-db'), libvirt: get('--libvirt') });
}

export function startApp(electron: ElectronApi, baseDir: string, argv: string[]): void {
  const { app, BrowserWindow, ipcMain, session, shell } = electron;
  const indexHtml = join(baseDir, '..', 'renderer', 'index.html');
  const appUrl = pathToFileURL(indexHtml).toString();
  const preload = join(baseDir, '..', 'preload', 'index.cjs');
  const services = createServices({ transport: 'electron', defaultTarget: targetFromArgv(argv), lab: false });

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('web-contents-created', (_e, contents) => hardenContents(contents, appUrl, shell));
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => services.close());

  let win: Electron.BrowserWindow | undefined;
  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession, appUrl);
    bindIpc(ipcMain, services, () => appUrl);
    win = new BrowserWindow(windowOptions(preload));
    win.once('ready-to-show', () => win?.show());
    void win.loadFile(indexHtml);
  });
}
