import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CSP, hardenContents, hardenSession, isAppUrl, isTrustedSender, safeExternalUrl, windowOptions } from '../../../electron/main/security';
import { FakeSession, FakeShell, FakeWebContents, asFrame, type FakeFrame } from './fake-electron';

const APP_URL = 'file:///opt/novanet/out/renderer/index.html';

function hardened() {
  const contents = new FakeWebContents();
  const shell = new FakeShell();
  hardenContents(contents as unknown as Parameters<typeof hardenContents>[0], APP_URL, shell);
  return { contents, shell };
}

function hardenedSession() {
  const session = new FakeSession();
  hardenSession(session as unknown as Parameters<typeof hardenSession>[0], APP_URL);
  return session;
}

/** `script-src 'self'` -> { 'script-src': ["'self'"] } */
function directives(csp: string): Record<string, string[]> {
  return Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name as string, values]),
  );
}

describe('windowOptions', () => {
  const opts = windowOptions('/opt/novanet/out/preload/index.cjs');

  it('sandboxes the renderer: no Node, isolated context, no webview', () => {
    expect(opts.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
    expect(opts.webPreferences?.preload).toMatch(/(^|\/)preload\/index\.cjs$/);
  });

  it('stays hidden until the page is ready', () => {
    expect(opts.show).toBe(false);
  });
});

describe('hardenSession', () => {
  it.each(['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen'])('denies the %s permission request, even from the app', async (permission) => {
    await expect(hardenedSession().requestPermission(permission, APP_URL)).resolves.toBe(false);
  });

  it("grants notifications to the app's own page only (alerts as desktop notifications)", async () => {
    const s = hardenedSession();
    await expect(s.requestPermission('notifications', APP_URL)).resolves.toBe(true);
    await expect(s.requestPermission('notifications', 'file:///x')).resolves.toBe(false);
    await expect(s.requestPermission('notifications', 'https://example.com/opt/novanet/out/renderer/index.html')).resolves.toBe(false);
    await expect(s.requestPermission('notifications', 'file:///opt/novanet/out/renderer/other.html')).resolves.toBe(false);
  });

  it('answers permission checks with no, except notifications for the app itself', () => {
    const s = hardenedSession();
    expect(s.permissionCheckHandler?.({}, 'media', 'file://', { requestingUrl: APP_URL })).toBe(false);
    expect(s.permissionCheckHandler?.({}, 'notifications', 'file://', { requestingUrl: APP_URL })).toBe(true);
    expect(s.permissionCheckHandler?.({}, 'notifications', 'file://', { requestingUrl: 'file:///tmp/evil.html' })).toBe(false);
    expect(s.permissionCheckHandler?.({}, 'notifications', 'file://', {})).toBe(false);
  });

  it("injects a CSP with script-src 'self' into every response, keeping the other headers", async () => {
    const headers = await hardenedSession().receiveHeaders(APP_URL, { 'Content-Type': ['text/html'], 'X-Test': ['1'] });
    expect(headers?.['Content-Type']).toEqual(['text/html']);
    expect(headers?.['X-Test']).toEqual(['1']);
    const csp = headers?.['Content-Security-Policy'];
    expect(csp).toEqual([CSP]);
    const d = directives(CSP);
    expect(d['script-src']).toEqual(["'self'"]);
    expect(d['default-src']).toEqual(["'self'"]);
    expect(d['object-src']).toEqual(["'none'"]);
    expect(CSP).not.toContain('unsafe-eval');
  });

  it('adds the CSP even to a response without headers', async () => {
    const session = hardenedSession();
    const got = await new Promise<Record<string, string[]> | undefined>((resolve) =>
      session.headersListener?.({ url: APP_URL }, (r) => resolve(r.responseHeaders)),
    );
    expect(got).toEqual({ 'Content-Security-Policy': [CSP] });
  });
});

describe('hardenContents: window.open', () => {
  it('denies every window and sends http(s) links to the desktop browser', () => {
    const { contents, shell } = hardened();
    expect(contents.windowOpen('https://example.com/docs?a=1')).toEqual({ action: 'deny' });
    expect(contents.windowOpen('http://192.0.2.1:8080/')).toEqual({ action: 'deny' });
    expect(shell.opened).toEqual(['https://example.com/docs?a=1', 'http://192.0.2.1:8080/']);
  });

  it.each([
    'javascript:alert(1)',
    ' javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'file:///etc/passwd',
    'data:text/html,<script>alert(1)</script>',
    'blob:file:///abc',
    'mailto:root@localhost',
    'ftp://example.com/',
    'smb://server/share',
    'not a url',
    '',
  ])('never opens %j externally', (url) => {
    const { contents, shell } = hardened();
    expect(contents.windowOpen(url)).toEqual({ action: 'deny' });
    expect(shell.opened).toEqual([]);
  });

  it('opens externally exactly the URLs whose parsed protocol is http or https (property)', () => {
    const anyUrl = fc.oneof(
      fc.webUrl(),
      fc.string(),
      fc.tuple(fc.constantFrom('javascript:', 'file://', 'data:', 'vbscript:', 'chrome://', 'HTTPS://', ' http://', 'http:'), fc.string()).map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(anyUrl, (url) => {
        const { contents, shell } = hardened();
        expect(contents.windowOpen(url).action).toBe('deny');
        for (const opened of shell.opened) expect(['http:', 'https:']).toContain(new URL(opened).protocol);
        expect(shell.opened.length).toBe(safeExternalUrl(url) === null ? 0 : 1);
      }),
    );
  });
});

describe('hardenContents: navigation and webviews', () => {
  it.each(['will-navigate', 'will-redirect'] as const)('%s: stays on the app page, nowhere else', (kind) => {
    const { contents } = hardened();
    expect(contents.navigate(kind, APP_URL)).toBe(false);
    expect(contents.navigate(kind, `${APP_URL}#/topology`)).toBe(false);
    expect(contents.navigate(kind, 'https://evil.example/')).toBe(true);
    expect(contents.navigate(kind, 'file:///etc/passwd')).toBe(true);
    expect(contents.navigate(kind, 'file:///opt/novanet/out/renderer/other.html')).toBe(true);
    expect(contents.navigate(kind, 'javascript:alert(1)')).toBe(true);
    expect(contents.navigate(kind, 'garbage')).toBe(true);
  });

  it('prevents attaching a webview', () => {
    expect(hardened().contents.attachWebview()).toBe(true);
  });
});

describe('isAppUrl and isTrustedSender', () => {
  it('recognises the app page only', () => {
    expect(isAppUrl(APP_URL, APP_URL)).toBe(true);
    expect(isAppUrl(`${APP_URL}?x=1#y`, APP_URL)).toBe(true);
    expect(isAppUrl('file:///opt/novanet/out/renderer/index.html/../../../etc/passwd', APP_URL)).toBe(false);
    expect(isAppUrl('http://opt/novanet/out/renderer/index.html', APP_URL)).toBe(false);
    expect(isAppUrl('file://remote-host/opt/novanet/out/renderer/index.html', APP_URL)).toBe(false);
    expect(isAppUrl('', APP_URL)).toBe(false);
  });

  it("trusts only the app page's top-level frame", () => {
    const top: FakeFrame = { url: APP_URL, parent: null };
    expect(isTrustedSender(asFrame(top), APP_URL)).toBe(true);
    expect(isTrustedSender(asFrame({ url: APP_URL, parent: top }), APP_URL)).toBe(false);
    expect(isTrustedSender(asFrame({ url: 'https://evil.example/', parent: null }), APP_URL)).toBe(false);
    expect(isTrustedSender(asFrame({ url: 'about:blank', parent: null }), APP_URL)).toBe(false);
    expect(isTrustedSender(null, APP_URL)).toBe(false);
    expect(isTrustedSender(undefined, APP_URL)).toBe(false);
  });
});
