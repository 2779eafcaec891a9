/**
 * Alerts as notifications: a toast always; a desktop notification only in the Electron app while its window is not
 * looked at, through the HTML5 Notification API (which Electron makes native), asking permission once per session.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type NotifyModule = typeof import('../../../renderer/src/alerts/notify');

class FakeNotification {
  static permission: NotificationPermission = 'default';
  static asked = 0;
  static answer: NotificationPermission = 'granted';
  static shown: FakeNotification[] = [];
  onclick: (() => void) | null = null;
  constructor(
    readonly title: string,
    readonly options: NotificationOptions,
  ) {
    FakeNotification.shown.push(this);
  }
  static requestPermission(): Promise<NotificationPermission> {
    FakeNotification.asked++;
    FakeNotification.permission = FakeNotification.answer;
    return Promise.resolve(FakeNotification.answer);
  }
}

async function fresh(): Promise<NotifyModule> {
  vi.resetModules();
  return import('../../../renderer/src/alerts/notify');
}

describe('alert channels', () => {
  it('shows a toast everywhere and a desktop notification only in Electron while the window is unattended', async () => {
    const { alertChannels } = await fresh();
    expect(alertChannels('electron', true)).toEqual({ toast: true, desktop: true });
    expect(alertChannels('electron', false)).toEqual({ toast: true, desktop: false });
    expect(alertChannels('web', true)).toEqual({ toast: true, desktop: false });
    expect(alertChannels(undefined, true)).toEqual({ toast: true, desktop: false });
  });
});

describe('desktopNotify', () => {
  beforeEach(() => {
    FakeNotification.permission = 'default';
    FakeNotification.asked = 0;
    FakeNotification.answer = 'granted';
    FakeNotification.shown = [];
    vi.stubGlobal('Notification', FakeNotification);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('shows a notification with a per-title tag and runs the click action when permission is granted', async () => {
    FakeNotification.permission = 'granted';
    const { desktopNotify } = await fresh();
    const onClick = vi.fn();
    expect(desktopNotify('NovaNet: eth0 down', 'link went down', onClick)).toBe(true);
    expect(FakeNotification.shown).toHaveLength(1);
    const n = FakeNotification.shown[0]!;
    expect([n.title, n.options]).toEqual([
      'NovaNet: eth0 down',
      { body: 'link went down', tag: 'novanet:NovaNet: eth0 down' },
    ]);
    n.onclick?.();
    expect(onClick).toHaveBeenCalledOnce();
    expect(FakeNotification.asked).toBe(0);
  });

  it('asks once per session; a grant shows the pending notification, a denial is not asked again', async () => {
    const { desktopNotify } = await fresh();
    expect(desktopNotify('a', 'b')).toBe(false);
    await Promise.resolve();
    expect(FakeNotification.asked).toBe(1);
    expect(FakeNotification.shown.map((n) => n.title)).toEqual(['a']);

    const again = await fresh();
    FakeNotification.permission = 'default';
    FakeNotification.answer = 'denied';
    expect(again.desktopNotify('c', 'd')).toBe(false);
    expect(again.desktopNotify('e', 'f')).toBe(false);
    await Promise.resolve();
    expect(FakeNotification.asked).toBe(2);
    expect(FakeNotification.shown.map((n) => n.title)).toEqual(['a']);
  });

  it('does nothing where the Notification API does not exist', async () => {
    vi.unstubAllGlobals();
    vi.stubGlobal('Notification', undefined);
    const { desktopNotify } = await fresh();
    expect(desktopNotify('a', 'b')).toBe(false);
  });
});
