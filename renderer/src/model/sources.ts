import { sourceNames, type HostState, type SourceName, type SourceStatus } from '../../../shared/model/host-state';

export const sourceLabels: Record<SourceName, string> = {
  netns: 'Namespaces',
  ip: 'Links',
  bridge: 'Linux bridges',
  ovs: 'Open vSwitch',
  libvirt: 'libvirt',
};

export const sourceTools: Record<SourceName, string> = {
  netns: 'ip netns',
  ip: 'ip -j -d link/addr',
  bridge: 'bridge -j',
  ovs: 'ovs-vsctl',
  libvirt: 'virsh',
};

export type SourceHealth = 'ok' | 'failed' | 'neutral';

export interface SourceReport {
  name: SourceName;
  label: string;
  status: SourceStatus['status'] | 'missing';
  health: SourceHealth;
  message?: string;
  durationMs?: number;
}

export function healthOf(status: string): SourceHealth {
  if (status === 'ok') return 'ok';
  if (status === 'unavailable' || status === 'error') return 'failed';
  return 'neutral';
}

/** Every known source in a fixed order, including ones the server did not report. */
export function sourceReports(state: HostState): SourceReport[] {
  return sourceNames.map((name) => {
    const s = state.sources[name];
    if (!s) return { name, label: sourceLabels[name], status: 'missing', health: 'neutral' };
    return {
      name,
      label: sourceLabels[name],
      status: s.status,
      health: healthOf(s.status),
      message: s.message,
      durationMs: s.durationMs,
    };
  });
}

export function describeSource(r: SourceReport): string {
  switch (r.status) {
    case 'ok':
      return `${r.label}: read with ${sourceTools[r.name]}${r.durationMs !== undefined ? ` in ${Math.round(r.durationMs)} ms` : ''}`;
    case 'unavailable':
      return `${r.label}: ${r.message ?? 'unavailable'}`;
    case 'error':
      return `${r.label}: ${r.message ?? 'failed'}`;
    case 'missing':
      return `${r.label}: not reported by the server`;
    default:
      return `${r.label}: ${r.message ?? r.status}`;
  }
}
