import type { DefaultRoute } from '../../../shared/model/host-state';

/** `ip -j route show default` -> the IPv4 default routes with a gateway (what "bridge my NIC" moves). */
export function parseDefaultRoutes(json: string): DefaultRoute[] {
  const rows = JSON.parse(json || '[]') as { dst?: string; gateway?: string; dev?: string; metric?: number }[];
  return rows
    .filter((r) => r.dst === 'default' && r.gateway && r.dev)
    .map((r) => ({ gateway: r.gateway!, dev: r.dev!, ...(r.metric !== undefined ? { metric: r.metric } : {}) }));
}
