import type { DefaultRoute } from '../../../shared/model/host-state';
import type { Target } from '../../../shared/model/target';
import type { Runner } from '../runner';

/** `ip -j route show default` -> the IPv4 default routes with a gateway (what "bridge my NIC" moves). */
export function parseDefaultRoutes(json: string): DefaultRoute[] {
  const rows = JSON.parse(json || '[]') as { dst?: string; gateway?: string; dev?: string; metric?: number }[];
  return rows
    .filter((r) => r.dst === 'default' && r.gateway && r.dev)
    .map((r) => ({ gateway: r.gateway!, dev: r.dev!, ...(r.metric !== undefined ? { metric: r.metric } : {}) }));
}

/** Undefined when `ip route` fails: the routes are then unknown, and the rest of the snapshot stands. */
export async function readDefaultRoutes(
  run: Runner,
  target: Target,
  timeoutMs: number,
): Promise<DefaultRoute[] | undefined> {
  const ns = target.netns ? ['-n', target.netns] : [];
  try {
    return parseDefaultRoutes((await run(['ip', ...ns, '-4', '-j', 'route', 'show', 'default'], { timeoutMs })).stdout);
  } catch {
    return undefined;
  }
}
