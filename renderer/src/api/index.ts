/** Picks the transport: Electron's preload bridge when present, else the WebSocket of web mode. */
import type { NovanetApi, RawBridge } from '../../../shared/ipc/contract';
import { typedApi } from '../../../shared/ipc/dispatch';
import { createWsBridge } from './ws-bridge';

declare global {
  interface Window {
    novanet?: RawBridge;
  }
}

function wsUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api`;
}

export const api: NovanetApi = typedApi(window.novanet ?? createWsBridge(wsUrl()));
