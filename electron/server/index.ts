/**
 * Web mode: serves the built renderer and the IPC contract over one WebSocket. Loopback by default, a random
 * token in the printed URL (traded for an HttpOnly cookie on first use), Host and Origin checked on every request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import sirv from 'sirv';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch } from '../../shared/ipc/dispatch';
import { isEventName, type EventName } from '../../shared/ipc/contract';
import { clientMessageSchema, type ServerMessage } from '../../shared/ipc/wire';
import { ValidationError, toEnvelope, validationErrorFrom } from '../../shared/ipc/errors';
import type { Services } from '../services/api';

export interface WebServerOptions {
  services: Services;
  rendererDir: string;
  host?: string;
  port?: number;
  token?: string;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

const COOKIE = 'novanet_session';
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const MAX_MESSAGE_BYTES = 1024 * 1024;

function sameToken(given: string | undefined | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return undefined;
}

function unauthorized(res: ServerResponse, status = 401, text = 'Unauthorized'): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${status} ${text}\nOpen the URL that \`novanet serve\` printed; it carries the access token.\n`);
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.token ?? randomBytes(24).toString('hex');
  const host = opts.host ?? '127.0.0.1';
  if (!existsSync(opts.rendererDir)) throw new Error(`renderer is not built at ${opts.rendererDir} (run \`npm run build\`)`);
  const assets = sirv(opts.rendererDir, { dev: false, etag: true, single: true, dotfiles: false });
  let allowedHosts = new Set<string>();

  const server = createServer((req, res) => {
    // DNS rebinding: a page on another name pointing at loopback must not reach us.
    if (!allowedHosts.has(req.headers.host ?? '')) return unauthorized(res, 403, 'Forbidden host');
    const url = new URL(req.url ?? '/', 'http://x');
    const query = url.searchParams.get('token');
    if (query !== null) {
      if (!sameToken(query, token)) return unauthorized(res);
      res.writeHead(302, {
        'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        location: '/',
        'cache-control': 'no-store',
      });
      return res.end();
    }
    if (!sameToken(cookieToken(req), token)) return unauthorized(res);
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    assets(req, res, () => unauthorized(res, 404, 'Not Found'));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const origin = req.headers.origin;
    const okHost = allowedHosts.has(req.headers.host ?? '');
    const okOrigin = origin === undefined || [...allowedHosts].some((h) => origin === `http://${h}`);
    const okToken = sameToken(cookieToken(req), token) || sameToken(url.searchParams.get('token'), token);
    if (url.pathname !== '/api' || !okHost || !okOrigin || !okToken) {
      socket.end(`HTTP/1.1 ${okToken ? 403 : 401} ${okToken ? 'Forbidden' : 'Unauthorized'}\r\nconnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, opts.services));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);
  const hostPart = host.includes(':') ? `[${host}]` : host;
  allowedHosts = new Set([`${hostPart}:${port}`, ...(host === '127.0.0.1' || host === '::1' ? [`localhost:${port}`] : [])]);
  return {
    url: `http://${hostPart}:${port}/?token=${token}`,
    port,
    token,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function serveSocket(ws: WebSocket, services: Services): void {
  const subs = new Map<EventName, () => void>();
  const send = (msg: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };
  ws.on('message', async (data) => {
    let raw: unknown;
    try {
      raw = JSON.parse(String(data));
    } catch {
      return send({ t: 'fatal', ...toEnvelope(new ValidationError('message: not JSON')) });
    }
    const parsed = clientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id = (raw as { id?: unknown })?.id;
      const env = toEnvelope(validationErrorFrom(parsed.error, 'message'));
      return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? send({ t: 'result', id, ...env }) : send({ t: 'fatal', ...env });
    }
    const msg = parsed.data;
    if (msg.t === 'call') {
      const outcome = await dispatch(services.handlers, msg.method, msg.params);
      return send({ t: 'result', id: msg.id, ...outcome } as ServerMessage);
    }
    if (!isEventName(msg.event)) return send({ t: 'fatal', ...toEnvelope(new ValidationError(`event: unknown event ${msg.event}`)) });
    const event = msg.event;
    if (msg.t === 'sub' && !subs.has(event)) {
      subs.set(event, services.events.subscribe(event, (payload) => send({ t: 'event', event, payload })));
    } else if (msg.t === 'unsub') {
      subs.get(event)?.();
      subs.delete(event);
    }
  });
  ws.on('close', () => {
    for (const off of subs.values()) off();
    subs.clear();
  });
}
