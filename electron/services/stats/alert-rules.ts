/** Which thresholds apply to an interface: every rule whose pattern matches, later rules winning per field. */
import type { AlertRule } from '../../../shared/model/stats';

export interface Effective {
  bandwidthPct?: number;
  bandwidthBps?: number;
  errorsPerS?: number;
  dropsPerS?: number;
  linkDown?: boolean;
  anomaly?: { enabled: boolean; k: number; windowMin: number; floorBps: number };
  holdS: number;
}

export function globMatch(pattern: string, name: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === name;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(name);
}

/** All rules whose pattern matches, merged in order: a later rule overrides the fields it sets. */
export function mergeRules(rules: readonly AlertRule[], ifname: string): Effective {
  const e: Effective = { holdS: 5 };
  for (const r of rules) {
    if (!globMatch(r.interface, ifname)) continue;
    const { interface: _i, anomaly, ...rest } = r;
    Object.assign(e, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
    if (anomaly)
      e.anomaly = {
        enabled: anomaly.enabled ?? true,
        k: anomaly.k ?? 6,
        windowMin: anomaly.windowMin ?? 15,
        floorBps: anomaly.floorBps ?? 1e6,
      };
  }
  return e;
}
