/**
 * The web-mode transport: the same RawBridge as Electron's preload, over one WebSocket. Authentication rides on
 * the HttpOnly cookie the server set when the tokenised URL was opened.
 */
import type { RawBridge } from '../../../shared/ipc/contract';
import { serverMessageSchema, type ClientMessage } from '../../../shared/ipc/wire';
import { TransportError } from '../../../shared/ipc/errors';

const CALL_TIMEOUT_MS = 60_000;
const RECONNECT_MS = [250, 500, 1000, 2000, 5000];

export function createWsBridge(url: string): RawBridge {
  let socket: WebSocket | undefined;
  let opened: Promise<WebSocket> | undefined;
  let nextId = 1;
  let attempt = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; timer: number }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  function connect(): Promise<WebSocket> {
    if (opened) return opened;
    opened = new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => {
        attempt = 0;
        socket = ws;
        for (const event of listeners.keys()) send(ws, { t: 'sub', event });
        resolve(ws);
      };
      ws.onmessage = (ev) => onMessage(String(ev.data));
      ws.onclose = (ev) => {
        const wasOpen = socket === ws;
        socket = undefined;
        opened = undefined;
        for (const [id, p] of pending) {
          clearTimeout(p.timer);
          p.reject(new TransportError(`connection to NovaNet closed (${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`));
          pending.delete(id);
        }
        if (!wasOpen) reject(new TransportError('cannot connect to the NovaNet server; is `novanet serve` running?'));
        // Keep event streams alive across server restarts.
        if (listeners.size > 0) {
          const delay = RECONNECT_MS[Math.min(attempt++, RECONNECT_MS.length - 1)];
          setTimeout(() => void connect().catch(() => undefined), delay);
        }
      };
    });
    return opened;
  }

  function send(ws: WebSocket, msg: ClientMessage): void {
    ws.send(JSON.stringify(msg));
  }

  function onMessage(text: string): void {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = serverMessageSchema.safeParse(data);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.t === 'event') {
      for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
    } else if (msg.t === 'result') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      clearTimeout(p.timer);
      // Hand the outcome ({ result } or { error }) to typedApi, which rebuilds errors.
      p.resolve('error' in msg ? { error: msg.error } : { result: msg.result });
    }
  }

  return {
    async invoke(method, params) {
      const ws = await connect();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = window.setTimeout(() => {
          pending.delete(id);
          reject(new TransportError(`${method} did not answer within ${CALL_TIMEOUT_MS / 1000} s`));
        }, CALL_TIMEOUT_MS);
        pending.set(id, { resolve, reject, timer });
        send(ws, { t: 'call', id, method, params });
      });
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
        if (socket) send(socket, { t: 'sub', event });
        else void connect().catch(() => undefined);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) {
          listeners.delete(event);
          if (socket) send(socket, { t: 'unsub', event });
        }
      };
    },
  };
}
