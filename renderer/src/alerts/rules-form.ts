/**
 * Alert rules as editable form rows and back. Numbers are edited as text (an empty field means "no limit"), and
 * the absolute bandwidth as Mbit/s, the unit people set limits in; the schema in shared/model/stats.ts validates.
 */
import { alertRuleSchema, type AlertRule } from '../../../shared/model/stats';

export interface RuleRow {
  interface: string;
  bandwidthPct: string;
  bandwidthMbps: string;
  errorsPerS: string;
  dropsPerS: string;
  /** '' leaves the field unset, so an earlier matching row's choice stands ("later rules win per field"). */
  linkDown: Tristate;
  anomaly: Tristate;
  anomalyK: string;
  holdS: string;
  /** Anomaly settings the form does not show (window, floor), carried through unchanged. */
  anomalyRest?: Omit<NonNullable<AlertRule['anomaly']>, 'enabled' | 'k'>;
}

export type Tristate = '' | 'on' | 'off';
export type RowField = Exclude<keyof RuleRow, 'anomalyRest'>;

const tri = (v: boolean | undefined): Tristate => (v === undefined ? '' : v ? 'on' : 'off');
const fromTri = (v: Tristate): boolean | undefined => (v === '' ? undefined : v === 'on');

const text = (n: number | undefined) => (n === undefined ? '' : String(n));

export function ruleToRow(r: AlertRule): RuleRow {
  const a = r.anomaly;
  return {
    interface: r.interface,
    bandwidthPct: text(r.bandwidthPct),
    bandwidthMbps: r.bandwidthBps === undefined ? '' : String(r.bandwidthBps / 1e6),
    errorsPerS: text(r.errorsPerS),
    dropsPerS: text(r.dropsPerS),
    linkDown: tri(r.linkDown),
    anomaly: tri(a === undefined ? undefined : a.enabled !== false),
    anomalyK: text(a?.k),
    holdS: text(r.holdS),
    ...(a ? { anomalyRest: { windowMin: a.windowMin, floorBps: a.floorBps } } : {}),
  };
}

export function emptyRow(): RuleRow {
  return {
    interface: '',
    bandwidthPct: '',
    bandwidthMbps: '',
    errorsPerS: '',
    dropsPerS: '',
    linkDown: '',
    anomaly: '',
    anomalyK: '',
    holdS: '',
  };
}

/** Maps the schema's field names back to the form's. */
const fieldOf: Record<string, RowField> = {
  interface: 'interface',
  bandwidthPct: 'bandwidthPct',
  bandwidthBps: 'bandwidthMbps',
  errorsPerS: 'errorsPerS',
  dropsPerS: 'dropsPerS',
  holdS: 'holdS',
  anomaly: 'anomalyK',
};

export type RowErrors = Partial<Record<RowField, string>>;

export function rowsToRules(
  rows: readonly RuleRow[],
): { rules: AlertRule[]; errors: RowErrors[] } | { rules: null; errors: RowErrors[] } {
  const rules: AlertRule[] = [];
  const errors: RowErrors[] = rows.map(() => ({}));
  rows.forEach((row, i) => {
    const errs = errors[i]!;
    const num = (field: RowField, value: string, scale = 1): number | undefined => {
      const v = value.trim();
      if (v === '') return undefined;
      const n = Number(v);
      if (!Number.isFinite(n)) {
        errs[field] = 'must be a number';
        return undefined;
      }
      return n * scale;
    };
    const k = num('anomalyK', row.anomalyK);
    const raw = {
      interface: row.interface.trim() || '*',
      bandwidthPct: num('bandwidthPct', row.bandwidthPct),
      bandwidthBps: num('bandwidthMbps', row.bandwidthMbps, 1e6),
      errorsPerS: num('errorsPerS', row.errorsPerS),
      dropsPerS: num('dropsPerS', row.dropsPerS),
      linkDown: fromTri(row.linkDown),
      holdS: num('holdS', row.holdS),
      anomaly:
        row.anomaly === ''
          ? undefined
          : { ...row.anomalyRest, enabled: row.anomaly === 'on', ...(k !== undefined ? { k } : {}) },
    };
    const parsed = alertRuleSchema.safeParse(
      Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)),
    );
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const f = fieldOf[String(issue.path[0])] ?? 'interface';
        errs[f] ??= issue.message.replace(/^Too (small|big): expected number to be /, 'must be ');
      }
    }
    if (Object.keys(errs).length === 0 && parsed.success) rules.push(parsed.data);
  });
  return errors.some((e) => Object.keys(e).length > 0) ? { rules: null, errors } : { rules, errors };
}
