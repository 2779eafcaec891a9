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

  it('reads empty fields as unset and a blank interface as every interface', () => {
    expect(rowsToRules([emptyRow()]).rules).toEqual([{ interface: '*' }]);
    // Unset is not "off": a later row that says nothing about link-down keeps the earlier row's choice.
    const rows = [ruleToRow({ interface: '*', linkDown: true }), ruleToRow({ interface: 'vm1', bandwidthBps: 5e4 })];
    expect(rows[1]?.linkDown).toBe('');
    expect(rowsToRules(rows).rules).toEqual([
      { interface: '*', linkDown: true },
      { interface: 'vm1', bandwidthBps: 5e4 },
    ]);
    expect(rowsToRules([{ ...emptyRow(), linkDown: 'off', anomaly: 'off' }]).rules?.[0]).toMatchObject({
      linkDown: false,
      anomaly: { enabled: false },
    });
  });

  it('names the field of each problem', () => {
    const r = rowsToRules([{ ...emptyRow(), bandwidthPct: '150', dropsPerS: 'lots' }]);
    expect(r.rules).toBeNull();
    expect(r.errors[0]?.dropsPerS).toBe('must be a number');
    expect(r.errors[0]?.bandwidthPct).toMatch(/100/);
  });
});
