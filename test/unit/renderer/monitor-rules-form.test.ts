import { describe, expect, it } from 'vitest';
import { emptyRow, ruleToRow, rowsToRules } from '../../../renderer/src/alerts/rules-form';
import type { AlertRule } from '../../../shared/model/stats';

describe('alert rules form', () => {
  it('round-trips a rule, keeping anomaly settings the form does not show', () => {
    const rule: AlertRule = {
      interface: 'vm*',
      bandwidthPct: 90,
      bandwidthBps: 250_000_000,
      errorsPerS: 1,
      linkDown: true,
      anomaly: { enabled: true, k: 6, windowMin: 30, floorBps: 2_000_000 },
      holdS: 5,
    };
    const row = ruleToRow(rule);
    expect(row.bandwidthMbps).toBe('250');
    const back = rowsToRules([row]);
    expect(back.rules).toEqual([{ ...rule }]);
  });

  it('reads empty fields as no limit and a blank interface as every interface', () => {
    const r = rowsToRules([{ ...emptyRow(), errorsPerS: '', holdS: '' }]);
    expect(r.rules).toEqual([{ interface: '*', linkDown: true }]);
  });

  it('names the field of each problem', () => {
    const r = rowsToRules([{ ...emptyRow(), bandwidthPct: '150', dropsPerS: 'lots' }]);
    expect(r.rules).toBeNull();
    expect(r.errors[0]?.dropsPerS).toBe('must be a number');
    expect(r.errors[0]?.bandwidthPct).toMatch(/100/);
  });
});
