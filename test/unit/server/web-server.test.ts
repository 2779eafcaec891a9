import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import WebSocket from 'ws';
import { startWebServer, type WebServer } from '../../../electron/server/index';
import { CHANGED, INFO, testServices } from '../support/services';

const TOKEN = 'c0ffee'.repeat(8);
const INDEX = '<!doctype html><html><head><title>NovaNet test page</title><script type="module" src="/assets/app-1a2b.js"></script></head></html>';
const ASSET = 'console.log("novanet asset");';

let dir: string;
let web: WebServer;
let t: ReturnType<typeof testServices>;
let origin: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'novanet-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), ASSET);
  t = testServices();
  web = await startWebServer({ services: t.services, rendererDir: dir, host: '127.0.0.1', port: 0, token: TOKEN });
  origin = `http://127.0.0.1:${web.port}`;
});

afterAll(async () => {
  await web?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: web.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const COOKIE = `novanet_session=${TOKEN}`;

/** Opens a WebSocket; rejects with the HTTP status when the upgrade is refused. */
function connect(path = '/api', opts: { cookie?: string; origin?: string; host?: string } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.host) headers.host = opts.host;
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}${path}`, { headers, ...(opts.origin ? { origin: opts.origin } : {}) });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Reads a socket's messages in order. */
function inbox(ws: WebSocket) {
  const queue: unknown[] = [];
  const waiting: ((m: unknown) => void)[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as unknown;
    const w = waiting.shift();
    if (w) w(m);
    else queue.push(m);
  });
  return {
    next(): Promise<unknown> {
      if (queue.length) return Promise.resolve(queue.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message within 2 s')), 2000);
        waiting.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
      });
    },
    pending: () => queue.length,
  };
}

describe('web server: HTTP', () => {
  it('prints a loopback URL that carries the token', () => {
    expect(web.url).toBe(`http://127.0.0.1:${web.port}/?token=${TOKEN}`);
    expect(web.port).toBeGreaterThan(0);
  });

  it.each(['/', '/index.html', '/assets/app-1a2b.js', '/api'])('answers %s without a token with a plain-text 401', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/^401 Unauthorized/);
    expect(res.body).not.toContain('NovaNet test page');
    expect(res.body).not.toContain('novanet asset');
  });

  it.each([['wrong'], [''], ['C0FFEE'.repeat(8)], [TOKEN.slice(0, -1)], [`${TOKEN}x`]])('refuses token %j with 401 and sets no cookie', async (token) => {
    const res = await get(`/?token=${encodeURIComponent(token)}`);
    expect(res.status).toBe(401);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('trades the right token for an HttpOnly SameSite=Strict cookie and a redirect to /', async () => {
    const res = await get(`/?token=${TOKEN}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^novanet_session=${TOKEN};`));
    expect(cookie).toMatch(/;\s*HttpOnly/);
    expect(cookie).toMatch(/;\s*SameSite=Strict/);
  });

  it('serves the page and assets with the cookie, under a CSP', async () => {
    const page = await get('/', { cookie: COOKIE });
    expect(page.status).toBe(200);
    expect(page.body).toBe(INDEX);
    const asset = await get('/assets/app-1a2b.js', { cookie: `theme=dark; ${COOKIE}` });
    expect(asset.status).toBe(200);
    expect(asset.body).toBe(ASSET);
    for (const res of [page, asset]) {
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('refuses a wrong cookie', async () => {
    expect((await get('/', { cookie: 'novanet_session=wrong' })).status).toBe(401);
    expect((await get('/', { cookie: `other=${TOKEN}` })).status).toBe(401);
  });

  it('refuses a foreign Host header (DNS rebinding) with 403, token or not', async () => {
    for (const host of ['evil.example', `evil.example:${web.port}`, `127.0.0.1:${web.port + 1}`, '127.0.0.1', `127.0.0.1.nip.io:${web.port}`]) {
      expect((await get('/', { host, cookie: COOKIE })).status, host).toBe(403);
      expect((await get(`/?token=${TOKEN}`, { host })).status, host).toBe(403);
    }
    expect((await get('/', { host: `localhost:${web.port}`, cookie: COOKIE })).status).toBe(200);
  });

  it('makes a random 48-hex-digit token when none is given', async () => {
    const other = await startWebServer({ services: t.services, rendererDir: dir, port: 0 });
    try {
      expect(other.token).toMatch(/^[0-9a-f]{48}$/);
      expect(other.token).not.toBe(TOKEN);
    } finally {
      await other.close();
    }
  });

  it('refuses to start without a built renderer', async () => {
    await expect(startWebServer({ services: t.services, rendererDir: join(dir, 'missing') })).rejects.toThrow(/renderer is not built/);
  });
});

describe('web server: WebSocket upgrade', () => {
  it('refuses a socket without a token (401)', async () => {
    await expect(connect('/api')).rejects.toThrow('HTTP 401');
    await expect(connect('/api?token=wrong')).rejects.toThrow('HTTP 401');
  });

  it('refuses a good token from a foreign Origin (403)', async () => {
    await expect(connect(`/api?token=${TOKEN}`, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect('/api', { cookie: COOKIE, origin: `http://127.0.0.1:${web.port + 1}` })).rejects.toThrow('HTTP 403');
    await expect(connect('/api', { cookie: COOKIE, origin: 'null' })).rejects.toThrow('HTTP 403');
  });

  it('refuses other paths and foreign hosts', async () => {
    await expect(connect(`/other?token=${TOKEN}`)).rejects.toThrow('HTTP 403');
    await expect(connect(`/api?token=${TOKEN}`, { host: 'evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('accepts the cookie or the token with the page origin', async () => {
    const a = await connect('/api', { cookie: COOKIE, origin });
    const b = await connect(`/api?token=${TOKEN}`, { origin: `http://localhost:${web.port}` });
    a.close();
    b.close();
  });
});

describe('web server: calls and events over the socket', () => {
  it('answers calls end to end', async () => {
    const ws = await connect('/api', { cookie: COOKIE, origin });
    const box = inbox(ws);
    ws.send(JSON.stringify({ t: 'call', id: 1, method: 'app.info', params: {} }));
    expect(await box.next()).toEqual({ t: 'result', id: 1, result: INFO });
    ws.send(JSON.stringify({ t: 'call', id: 2, method: 'topology.snapshot', params: { target: { netns: 'gone' } } }));
    expect(await box.next()).toEqual({ t: 'result', id: 2, error: { name: 'NotFoundError', message: 'network namespace "gone" does not exist' } });
    ws.close();
  });

  it('returns validation errors naming the field, and stays up', async () => {
    const ws = await connect('/api', { cookie: COOKIE, origin });
    const box = inbox(ws);
    ws.send(JSON.stringify({ t: 'call', id: 3, method: 42, params: {} }));
    const bad = (await box.next()) as { t: string; id: number; error: { name: string; message: string } };
    expect(bad).toMatchObject({ t: 'result', id: 3, error: { name: 'ValidationError' } });
    expect(bad.error.message).toMatch(/^message\.method: /);
    ws.send(JSON.stringify({ t: 'call', id: 4, method: 'topology.snapshot', params: { target: { netns: '-x' } } }));
    expect(await box.next()).toMatchObject({ t: 'result', id: 4, error: { name: 'ValidationError', message: expect.stringContaining('params.target.netns') } });
    ws.send(JSON.stringify({ t: 'shout', id: 5 }));
    expect(await box.next()).toMatchObject({ t: 'result', id: 5, error: { name: 'ValidationError', message: expect.stringContaining('message.t') } });
    ws.send(JSON.stringify({ t: 'call', id: 6, method: 'app.info', params: {} }));
    expect(await box.next()).toEqual({ t: 'result', id: 6, result: INFO });
    expect(t.handlers['topology.snapshot']).not.toHaveBeenCalledWith({ target: { netns: '-x' } });
    ws.close();
  });

  it('answers non-JSON and id-less garbage with fatal, and stays up', async () => {
    const ws = await connect('/api', { cookie: COOKIE, origin });
    const box = inbox(ws);
    ws.send('{"t": "call", "id": 1,');
    expect(await box.next()).toEqual({ t: 'fatal', error: { name: 'ValidationError', message: 'message: not JSON' } });
    ws.send('null');
    expect(await box.next()).toMatchObject({ t: 'fatal', error: { name: 'ValidationError' } });
    ws.send(JSON.stringify({ t: 'sub', event: 'stats.nonsense' }));
    expect(await box.next()).toMatchObject({ t: 'fatal', error: { name: 'ValidationError', message: 'event: unknown event stats.nonsense' } });
    ws.send(JSON.stringify({ t: 'call', id: 7, method: 'app.info', params: {} }));
    expect(await box.next()).toEqual({ t: 'result', id: 7, result: INFO });
    // And the server still serves new clients.
    const other = await connect('/api', { cookie: COOKIE, origin });
    other.close();
    ws.close();
  });

  it('delivers events after sub and stops after unsub', async () => {
    const ws = await connect('/api', { cookie: COOKIE, origin });
    const box = inbox(ws);
    ws.send(JSON.stringify({ t: 'sub', event: 'topology.changed' }));
    ws.send(JSON.stringify({ t: 'sub', event: 'topology.changed' }));
    await vi.waitFor(() => expect(t.events.count('topology.changed')).toBe(1));
    t.events.emit('topology.changed', CHANGED);
    expect(await box.next()).toEqual({ t: 'event', event: 'topology.changed', payload: CHANGED });
    ws.send(JSON.stringify({ t: 'unsub', event: 'topology.changed' }));
    await vi.waitFor(() => expect(t.events.count('topology.changed')).toBe(0));
    t.events.emit('topology.changed', CHANGED);
    // The next message is the answer to this call, not an event.
    ws.send(JSON.stringify({ t: 'call', id: 8, method: 'app.info', params: {} }));
    expect(await box.next()).toEqual({ t: 'result', id: 8, result: INFO });
    ws.close();
  });

  it('sends events only to the sockets that subscribed, and forgets a socket that closes', async () => {
    const a = await connect('/api', { cookie: COOKIE, origin });
    const b = await connect('/api', { cookie: COOKIE, origin });
    const boxA = inbox(a);
    const boxB = inbox(b);
    a.send(JSON.stringify({ t: 'sub', event: 'topology.changed' }));
    await vi.waitFor(() => expect(t.events.count('topology.changed')).toBe(1));
    t.events.emit('topology.changed', CHANGED);
    expect(await boxA.next()).toMatchObject({ t: 'event' });
    b.send(JSON.stringify({ t: 'call', id: 9, method: 'app.info', params: {} }));
    expect(await boxB.next()).toMatchObject({ t: 'result', id: 9 });
    a.close();
    await vi.waitFor(() => expect(t.events.count('topology.changed')).toBe(0));
    b.close();
  });
});
