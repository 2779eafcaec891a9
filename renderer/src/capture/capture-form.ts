/**
 * The capture form's text fields turned into `capture.start` params, and the server's field errors mapped back
 * onto the fields (the filter's error is tcpdump's own compiler message, shown under the filter).
 */
import { captureStartParamsSchema, CAPTURE_LIMITS, type CaptureStartParams } from '../../../shared/model/capture';
import type { HostState } from '../../../shared/model/host-state';
import type { TopologyGraph } from '../../../shared/topology/graph';

export interface CaptureFormState {
  /** `if:<device>` or `node:<graph node id>`. */
  source: string;
  filter: string;
  snaplen: string;
  count: string;
  duration: string;
  rotateSizeMb: string;
  rotateCount: string;
}
export type CaptureField = keyof CaptureFormState | 'general';
export type CaptureErrors = Partial<Record<CaptureField, string>>;

export const emptyForm: CaptureFormState = {
  source: '',
  filter: '',
  snaplen: '',
  count: '',
  duration: '',
  rotateSizeMb: '',
  rotateCount: '',
};

const fieldOfParam: Record<string, CaptureField> = {
  interface: 'source',
  nodeId: 'source',
  target: 'source',
  filter: 'filter',
  snaplen: 'snaplen',
  count: 'count',
  durationSeconds: 'duration',
  rotateSizeMb: 'rotateSizeMb',
  rotateCount: 'rotateCount',
  output: 'general',
};

export function formToParams(f: CaptureFormState): { params: CaptureStartParams | null; errors: CaptureErrors } {
  const errors: CaptureErrors = {};
  const num = (field: CaptureField, v: string): number | undefined => {
    const t = v.trim();
    if (!t) return undefined;
    const n = Number(t);
    if (!Number.isFinite(n)) errors[field] = 'must be a number';
    return n;
  };
  if (!f.source) errors.source = 'pick an interface or an object of the graph';
  const raw: Record<string, unknown> = {
    ...(f.source.startsWith('if:')
      ? { interface: f.source.slice(3) }
      : f.source.startsWith('node:')
        ? { nodeId: f.source.slice(5) }
        : {}),
    ...(f.filter.trim() ? { filter: f.filter.trim() } : {}),
    snaplen: num('snaplen', f.snaplen),
    count: num('count', f.count),
    durationSeconds: num('duration', f.duration),
    rotateSizeMb: num('rotateSizeMb', f.rotateSizeMb),
    rotateCount: num('rotateCount', f.rotateCount),
  };
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  if (Object.keys(errors).length > 0) return { params: null, errors };
  const parsed = captureStartParamsSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOfParam[String(issue.path[0])] ?? 'general';
      errors[field] ??=
        issue.path[0] === 'snaplen'
          ? `must be a whole number from ${CAPTURE_LIMITS.minSnaplen} to ${CAPTURE_LIMITS.maxSnaplen}`
          : issue.path[0] === 'rotateCount' && issue.code === 'custom'
            ? 'needs a file size to rotate at'
            : issue.message;
    }
    return { params: null, errors };
  }
  return { params: raw as CaptureStartParams, errors };
}

/** `filter: can't parse filter expression: syntax error` becomes that text under the filter field. */
export function serverErrors(message: string): CaptureErrors {
  const out: CaptureErrors = {};
  const parts = message.split(/;\s+(?=(?:params\.)?[A-Za-z.]+: )/);
  for (const part of parts) {
    const m = /^(?:params\.)?([A-Za-z]+)(?:\.[A-Za-z.]+)?: ([\s\S]*)$/.exec(part);
    const field = m ? fieldOfParam[m[1]!] : undefined;
    if (m && field) out[field] ??= m[2]!;
    else out.general = out.general ? `${out.general}; ${part}` : part;
  }
  return out;
}

export interface SourceOption {
  value: string;
  label: string;
  group: string;
}

const graphKinds: Record<string, string> = {
  vm: 'Virtual machines',
  vnic: 'VM network cards',
  network: 'libvirt networks',
};

/** What can be captured on: the target's devices, and the graph's VMs, VM NICs and libvirt networks. */
export function sourceOptions(
  state: HostState | undefined,
  graph: TopologyGraph | undefined,
  extra?: { nodeId: string; label: string },
): SourceOption[] {
  const out: SourceOption[] = [];
  for (const l of [...(state?.links ?? [])].sort((a, b) => a.name.localeCompare(b.name))) {
    out.push({
      value: `if:${l.name}`,
      label: `${l.name} (${l.kind}${l.operState === 'up' || l.operState === 'unknown' ? '' : `, ${l.operState}`})`,
      group: 'Interfaces',
    });
  }
  for (const n of graph?.nodes ?? []) {
    const group = graphKinds[n.kind];
    if (group) out.push({ value: `node:${n.id}`, label: n.sublabel ? `${n.label} — ${n.sublabel}` : n.label, group });
  }
  if (extra && !out.some((o) => o.value === `node:${extra.nodeId}`)) {
    out.unshift({ value: `node:${extra.nodeId}`, label: `${extra.label}, as on the graph`, group: 'From the graph' });
  }
  return out;
}
