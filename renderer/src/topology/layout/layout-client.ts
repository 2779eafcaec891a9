/**
 * Runs ELK in a Web Worker so a 1000-node layout never blocks input. Falls back to the main thread when the
 * worker cannot start (for example a runtime that refuses module workers from file://).
 */
import type { LayoutInput, LayoutResult } from './elk-graph';

export interface LayoutRequest {
  id: number;
  input: LayoutInput;
}
export type LayoutResponse = { id: number; positions: LayoutResult } | { id: number; error: string };

interface Pending {
  input: LayoutInput;
  resolve: (r: LayoutResult) => void;
  reject: (e: Error) => void;
}

let worker: Worker | null | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

async function layoutOnMainThread(input: LayoutInput): Promise<LayoutResult> {
  const { runLayout } = await import('./elk-run');
  return runLayout(input);
}

function startWorker(): Worker | null {
  let w: Worker;
  try {
    w = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module', name: 'novanet-layout' });
  } catch (err) {
    console.warn('layout worker unavailable, laying out on the main thread:', err);
    return null;
  }
  w.onmessage = (ev: MessageEvent<LayoutResponse>) => {
    const p = pending.get(ev.data.id);
    if (!p) return;
    pending.delete(ev.data.id);
    if ('error' in ev.data) p.reject(new Error(`layout failed: ${ev.data.error}`));
    else p.resolve(ev.data.positions);
  };
  w.onerror = (ev) => {
    ev.preventDefault();
    console.warn('layout worker failed, laying out on the main thread:', ev.message);
    w.terminate();
    worker = null;
    const stranded = [...pending.values()];
    pending.clear();
    for (const p of stranded) layoutOnMainThread(p.input).then(p.resolve, p.reject);
  };
  return w;
}

export function layoutGraph(input: LayoutInput): Promise<LayoutResult> {
  if (worker === undefined) worker = startWorker();
  const w = worker;
  if (!w) return layoutOnMainThread(input);
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { input, resolve, reject });
    w.postMessage({ id, input } satisfies LayoutRequest);
  });
}

/**
 * Loads ELK and runs it once on a tiny graph shaped like a host (a bridge, ports, peers, namespaces) while the
 * first snapshot is still being read: the worker's script is parsed and ELK's code paths compiled before the
 * real layout. Kept tiny because on a busy two-core machine a bigger warm-up delayed the real layout instead.
 */
export function warmUpLayout(): void {
  if (worker !== undefined) return;
  const input: LayoutInput = { nodes: [], edges: [] };
  for (let b = 0; b < 1; b++) {
    input.nodes.push({ id: `n${b}`, kind: 'nic', label: `n${b}` }, { id: `b${b}`, kind: 'bridge', label: `b${b}` });
    input.edges.push({ id: `u${b}`, source: `n${b}`, target: `b${b}` });
    for (let p = 0; p < 4; p++) {
      const v = `v${b}.${p}`;
      input.nodes.push(
        { id: v, kind: 'veth', label: v },
        { id: `${v}p`, kind: 'veth', label: 'eth0', netns: v },
        { id: `${v}n`, kind: 'namespace', label: v },
      );
      input.edges.push(
        { id: `${v}m`, source: v, target: `b${b}` },
        { id: `${v}e`, source: v, target: `${v}p` },
        { id: `${v}c`, source: `${v}n`, target: `${v}p` },
      );
    }
  }
  void layoutGraph(input).catch(() => undefined);
}
