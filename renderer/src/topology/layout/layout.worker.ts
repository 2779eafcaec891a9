import { runLayout } from './elk-run';
import type { LayoutRequest, LayoutResponse } from './layout-client';

// The web-worker lib cannot be added to a program that already has the DOM lib, so the worker scope is typed here.
const scope = self as unknown as {
  onmessage: ((ev: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutResponse): void;
};

// elk.bundled.js installs its own onmessage when loaded in a worker; assigning ours afterwards replaces it.
scope.onmessage = (ev) => {
  const { id, input } = ev.data;
  runLayout(input).then(
    (positions) => scope.postMessage({ id, positions } satisfies LayoutResponse),
    (err: unknown) => scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) } satisfies LayoutResponse),
  );
};
