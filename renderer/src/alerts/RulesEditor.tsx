import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CircleAlert, LoaderCircle, Plus, Trash2 } from 'lucide-react';
import { useModel } from '../model/model-context';
import { useToasts } from './toast-context';
import {
  emptyRow,
  ruleToRow,
  rowsToRules,
  type RowErrors,
  type RowField,
  type RuleRow,
  type Tristate,
} from './rules-form';

/** On, off, or unset ("as an earlier row says"): a checkbox cannot say the third. */
function TriSelect({ label, value, onChange }: { label: string; value: Tristate; onChange(v: Tristate): void }) {
  return (
    <select
      className="input rules__tri"
      aria-label={label}
      value={value}
      onChange={(e) => onChange(e.target.value as Tristate)}
    >
      <option value="">–</option>
      <option value="on">On</option>
      <option value="off">Off</option>
    </select>
  );
}

const numeric: { field: RowField; label: string; unit: string; hint: string; width?: string }[] = [
  {
    field: 'bandwidthPct',
    label: 'Bandwidth',
    unit: '%',
    hint: 'Percent of the link speed, where the device reports a real one',
  },
  {
    field: 'bandwidthMbps',
    label: 'Bandwidth',
    unit: 'Mbit/s',
    hint: 'Absolute rate in either direction (virtual devices have no real speed)',
  },
  { field: 'errorsPerS', label: 'Errors', unit: '/s', hint: 'Receive + transmit errors per second' },
  { field: 'dropsPerS', label: 'Drops', unit: '/s', hint: 'Receive + transmit drops per second' },
  {
    field: 'holdS',
    label: 'Hold',
    unit: 's',
    hint: 'A condition must last this long to raise, and be gone this long to clear',
  },
];

/** Per-interface thresholds; rows apply top to bottom and a later matching row wins field by field. */
export function RulesEditor() {
  const { api } = useModel();
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const rules = useQuery({ queryKey: ['alerts.getRules'], queryFn: () => api.invoke('alerts.getRules', {}) });
  const [rows, setRows] = useState<RuleRow[] | null>(null);
  const [errors, setErrors] = useState<RowErrors[]>([]);
  const [serverError, setServerError] = useState<string | null>(null);
  useEffect(() => {
    if (rules.data && rows === null) setRows(rules.data.rules.map(ruleToRow));
  }, [rules.data, rows]);

  const save = useMutation({
    mutationFn: (r: ReturnType<typeof rowsToRules>['rules'] & object) => api.invoke('alerts.setRules', { rules: r }),
    onSuccess: (res) => {
      queryClient.setQueryData(['alerts.getRules'], res);
      setRows(res.rules.map(ruleToRow));
      setServerError(null);
      toasts.push({ tone: 'success', title: 'Alert rules saved', body: 'They apply from the next sample.' });
    },
    onError: (err) => setServerError(err.message),
  });

  if (rules.isPending || rows === null) {
    return (
      <p className="mon-card__meta" role="status">
        {rules.isError ? `The rules could not be read: ${rules.error.message}` : 'Reading the rules…'}
      </p>
    );
  }
  const dirty = JSON.stringify(rows) !== JSON.stringify(rules.data?.rules.map(ruleToRow));
  const edit = (i: number, patch: Partial<RuleRow>) =>
    setRows((rs) => rs && rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const submit = () => {
    const out = rowsToRules(rows);
    setErrors(out.errors);
    if (out.rules) save.mutate(out.rules);
  };

  return (
    <form
      className="rules"
      data-testid="alert-rules"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="rules__scroll">
        <table className="mon-table rules__table">
          <thead>
            <tr>
              <th scope="col" title="Interface name, or a pattern with * (e.g. vnet*); empty: every interface">
                Interface
              </th>
              {numeric.map((n) => (
                <th key={n.field} scope="col" title={n.hint}>
                  {n.label} <span className="rules__unit">{n.unit}</span>
                </th>
              ))}
              <th scope="col" title="An interface that was up lost its link; – leaves it to earlier rows">
                Link down
              </th>
              <th
                scope="col"
                title="A rate far outside its recent band (k standard deviations); – leaves it to earlier rows"
              >
                Unusual traffic
              </th>
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const e = errors[i] ?? {};
              return (
                <tr key={i} data-testid={`rule-${i}`}>
                  <td>
                    <input
                      className="input input--mono"
                      aria-label={`Rule ${i + 1}: interface`}
                      value={r.interface}
                      placeholder="*"
                      aria-invalid={!!e.interface}
                      onChange={(ev) => edit(i, { interface: ev.target.value })}
                      data-testid={`rule-${i}-interface`}
                    />
                    {e.interface && <p className="field-errors">{e.interface}</p>}
                  </td>
                  {numeric.map((n) => (
                    <td key={n.field}>
                      <input
                        className="input rules__num"
                        inputMode="decimal"
                        aria-label={`Rule ${i + 1}: ${n.label} (${n.unit})`}
                        placeholder="–"
                        value={r[n.field] as string}
                        aria-invalid={!!e[n.field]}
                        onChange={(ev) => edit(i, { [n.field]: ev.target.value })}
                        data-testid={`rule-${i}-${n.field}`}
                      />
                      {e[n.field] && <p className="field-errors">{e[n.field]}</p>}
                    </td>
                  ))}
                  <td>
                    <TriSelect
                      label={`Rule ${i + 1}: alert on link down`}
                      value={r.linkDown}
                      onChange={(v) => edit(i, { linkDown: v })}
                    />
                  </td>
                  <td>
                    <span className="rules__anomaly">
                      <TriSelect
                        label={`Rule ${i + 1}: flag unusual traffic`}
                        value={r.anomaly}
                        onChange={(v) => edit(i, { anomaly: v })}
                      />
                      <input
                        className="input rules__k"
                        inputMode="decimal"
                        aria-label={`Rule ${i + 1}: standard deviations`}
                        title="Standard deviations from the recent mean (2 to 50)"
                        placeholder="k 6"
                        value={r.anomalyK}
                        disabled={r.anomaly !== 'on'}
                        aria-invalid={!!e.anomalyK}
                        onChange={(ev) => edit(i, { anomalyK: ev.target.value })}
                      />
                    </span>
                    {e.anomalyK && <p className="field-errors">{e.anomalyK}</p>}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="icon-button icon-button--small"
                      aria-label={`Remove rule ${i + 1}`}
                      title="Remove this rule"
                      onClick={() => setRows((rs) => rs && rs.filter((_, j) => j !== i))}
                    >
                      <Trash2 size={14} aria-hidden />
                    </button>
                  </td>
                </tr>
              );
            })}
            {rows.length === 0 && (
              <tr>
                <td colSpan={numeric.length + 4} className="mon-table__empty">
                  No rules: nothing will alert. Add a row for every interface (*) to start.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {serverError && (
        <p className="field-errors field-errors--box" role="alert">
          <CircleAlert size={14} aria-hidden /> {serverError}
        </p>
      )}
      <div className="rules__actions">
        <button
          type="button"
          className="button button--small"
          onClick={() => setRows((rs) => [...(rs ?? []), emptyRow()])}
          data-testid="rule-add"
        >
          <Plus size={14} aria-hidden /> Add rule
        </button>
        <span className="rules__note">
          Rows apply top to bottom; a later matching row wins field by field. Empty fields and – leave a setting to
          earlier rows.
        </span>
        <button
          type="button"
          className="button button--small"
          disabled={!dirty || save.isPending}
          onClick={() => {
            setRows(rules.data?.rules.map(ruleToRow) ?? []);
            setErrors([]);
            setServerError(null);
          }}
        >
          Revert
        </button>
        <button
          type="submit"
          className="button button--small button--primary"
          disabled={!dirty || save.isPending}
          data-testid="rules-save"
        >
          {save.isPending && <LoaderCircle size={14} className="spin" aria-hidden />}
          {save.isPending ? 'Saving…' : 'Save rules'}
        </button>
      </div>
    </form>
  );
}
