import type { ReactNode } from 'react';
import { Plus, X } from 'lucide-react';
import { FieldErrors, useInvalid } from '../switches/fields';
import { setKey, updateList } from '../switches/spec-edit';
import type { HostDoc, RangeDoc } from './net-edit';

/** One text cell of an editable table row, with its errors under it. */
export function CellInput({
  path,
  value,
  label,
  placeholder,
  testId,
  onChange,
}: {
  path: string;
  value: string;
  label: string;
  placeholder?: string;
  testId?: string;
  onChange(v: string): void;
}) {
  const invalid = useInvalid(path);
  return (
    <div className="cell">
      <input
        className="input input--mono"
        value={value}
        aria-label={label}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        data-testid={testId}
        onChange={(e) => onChange(e.target.value.trim())}
        {...invalid}
      />
      <FieldErrors path={path} />
    </div>
  );
}

/** A table of rows with a remove button each and an add button below: ranges, reservations, port forwards. */
export function RowsTable({
  title,
  hint,
  columns,
  path,
  rows,
  addLabel,
  addTestId,
  onAdd,
}: {
  title: string;
  hint?: ReactNode;
  columns: string[];
  path: string;
  rows: ReactNode[];
  addLabel: string;
  addTestId: string;
  onAdd(): void;
}) {
  return (
    <div className="field rows-table">
      <span className="field__label">{title}</span>
      {hint && <p className="field__hint">{hint}</p>}
      {rows.length > 0 && (
        <table className="grid-table grid-table--compact">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
              <th scope="col" className="col-remove">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>{rows}</tbody>
        </table>
      )}
      <button type="button" className="button button--small" data-testid={addTestId} onClick={onAdd}>
        <Plus size={14} aria-hidden /> {addLabel}
      </button>
      <FieldErrors path={path} />
    </div>
  );
}

export function RemoveCell({ label, onRemove }: { label: string; onRemove(): void }) {
  return (
    <td className="col-remove">
      <button type="button" className="icon-button" onClick={onRemove} aria-label={label}>
        <X size={14} aria-hidden />
      </button>
    </td>
  );
}

/** Dynamic ranges: start, end and an optional lease time. */
export function RangesEditor({
  at,
  ranges,
  fresh,
  onChange,
}: {
  at: string;
  ranges: RangeDoc[];
  /** The range a new row starts with (the subnet's default), when known. */
  fresh?: RangeDoc;
  onChange(r: RangeDoc[]): void;
}) {
  const set = (k: number, fn: (r: RangeDoc) => RangeDoc) => onChange(updateList(ranges, k, fn));
  return (
    <RowsTable
      title="Address ranges"
      hint="Addresses handed out to any client. Lease time: seconds, 30m, 1h, 2d or infinite (default 1h)."
      columns={['Start', 'End', 'Lease time']}
      path={at}
      addLabel="Add range"
      addTestId="add-range"
      onAdd={() => onChange([...ranges, fresh && ranges.length === 0 ? fresh : { start: '', end: '' }])}
      rows={ranges.map((r, k) => {
        const p = `${at}[${k}]`;
        return (
          <tr key={k}>
            <td>
              <CellInput
                path={`${p}.start`}
                label={`Range ${k + 1} start`}
                value={r.start}
                testId={`range-${k}-start`}
                onChange={(v) => set(k, (x) => ({ ...x, start: v }))}
              />
            </td>
            <td>
              <CellInput
                path={`${p}.end`}
                label={`Range ${k + 1} end`}
                value={r.end}
                testId={`range-${k}-end`}
                onChange={(v) => set(k, (x) => ({ ...x, end: v }))}
              />
              <FieldErrors path={p} />
            </td>
            <td className="col-lease">
              <CellInput
                path={`${p}.leaseTime`}
                label={`Range ${k + 1} lease time`}
                value={r.leaseTime === undefined ? '' : String(r.leaseTime)}
                placeholder="1h"
                onChange={(v) => set(k, (x) => setKey(x, 'leaseTime', v === '' ? undefined : v))}
              />
            </td>
            <RemoveCell label={`Remove range ${k + 1}`} onRemove={() => onChange(ranges.filter((_, i) => i !== k))} />
          </tr>
        );
      })}
    />
  );
}

/** Reservations: a MAC always gets its IP (and, optionally, a host name in DNS). */
export function HostsEditor({ at, hosts, onChange }: { at: string; hosts: HostDoc[]; onChange(h: HostDoc[]): void }) {
  const set = (k: number, fn: (h: HostDoc) => HostDoc) => onChange(updateList(hosts, k, fn));
  return (
    <RowsTable
      title="Reservations"
      hint="A fixed address for a MAC. Reserved addresses may be outside the ranges, but inside the subnet."
      columns={['MAC', 'Host name', 'IP address']}
      path={at}
      addLabel="Add reservation"
      addTestId="add-reservation"
      onAdd={() => onChange([...hosts, { mac: '', ip: '' }])}
      rows={hosts.map((h, k) => {
        const p = `${at}[${k}]`;
        return (
          <tr key={k}>
            <td>
              <CellInput
                path={`${p}.mac`}
                label={`Reservation ${k + 1} MAC`}
                value={h.mac}
                placeholder="52:54:00:…"
                testId={`host-${k}-mac`}
                onChange={(v) => set(k, (x) => ({ ...x, mac: v }))}
              />
            </td>
            <td>
              <CellInput
                path={`${p}.name`}
                label={`Reservation ${k + 1} host name`}
                value={h.name ?? ''}
                placeholder="optional"
                testId={`host-${k}-name`}
                onChange={(v) => set(k, (x) => setKey(x, 'name', v === '' ? undefined : v))}
              />
            </td>
            <td>
              <CellInput
                path={`${p}.ip`}
                label={`Reservation ${k + 1} IP address`}
                value={h.ip}
                testId={`host-${k}-ip`}
                onChange={(v) => set(k, (x) => ({ ...x, ip: v }))}
              />
            </td>
            <RemoveCell
              label={`Remove reservation ${k + 1}`}
              onRemove={() => onChange(hosts.filter((_, i) => i !== k))}
            />
          </tr>
        );
      })}
    />
  );
}
