/**
 * Desktop notifications for the Electron app (the HTML5 Notification API, which Electron turns into native
 * ones). Web mode never uses them: there the page's own toasts are the notification, as the issue asks.
 */
let asked = false;

export function desktopNotify(title: string, body: string, onClick?: () => void): boolean {
  if (typeof Notification === 'undefined') return false;
  const show = () => {
    const n = new Notification(title, { body, tag: `novanet:${title}` });
    if (onClick) n.onclick = onClick;
  };
  if (Notification.permission === 'granted') {
    show();
    return true;
  }
  // Asked once per session: a denial (the window's permission policy) is not asked about again and again.
  if (Notification.permission === 'default' && !asked) {
    asked = true;
    void Notification.requestPermission().then((p) => (p === 'granted' ? show() : undefined));
  }
  return false;
}

/**
 * Where a raised alert is shown: always as a toast in the page; also on the desktop in the Electron app while its
 * window is not looked at. Web mode never asks the browser for notifications: the toast is the notification there.
 */
export function alertChannels(transport: string | undefined, unattended: boolean): { toast: true; desktop: boolean } {
  return { toast: true, desktop: transport === 'electron' && unattended };
}

/** Desktop notifications only when the user is not looking at the window; the toast covers the other case. */
export function windowUnattended(): boolean {
  return document.hidden || !document.hasFocus();
}
